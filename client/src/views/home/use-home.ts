import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useAuthStore } from '@/stores/use-auth-store';

export function useHome() {
  const { t } = useI18n();
  const { actor } = storeToRefs(useAuthStore());

  const greeting = computed(() => (actor.value ? t('home.welcome', { name: actor.value.displayName }) : ''));
  const identity = computed(() =>
    actor.value ? t('home.identity', { role: t(`common.roles.${actor.value.role}`), loginName: actor.value.loginName }) : '',
  );

  return { t, greeting, identity };
}
