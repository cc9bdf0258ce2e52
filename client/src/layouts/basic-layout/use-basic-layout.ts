import { useMutation, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';

export function useBasicLayout() {
  const { t } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const auth = useAuthStore();
  const { actor, mustChangePassword } = storeToRefs(auth);

  const roleLabel = computed(() => (actor.value ? t(`common.roles.${actor.value.role}`) : ''));

  const logout = useMutation({
    mutationFn: () => auth.logout(),
    onSuccess: async () => {
      queryClient.clear();
      toast('success', t('auth.logout.done'));
      await router.replace({ name: 'login' });
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  return { t, actor, roleLabel, mustChangePassword, logout: () => logout.mutate(), loggingOut: logout.isPending };
}
