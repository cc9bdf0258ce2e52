import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';
import { HOST_KEY, HOSTS_KEY, useIsBureau, useLivestreamLabels, type HostProfile } from './livestream-labels';

/** One host: details, accounts, the trainee link (suggested by mobile, confirmed here by the bureau; a base manager sees only a confirmed link), recent streams. */
export function useHostProfile() {
  const { t } = useI18n();
  const route = useRoute();
  const queryClient = useQueryClient();
  const labels = useLivestreamLabels();
  const isBureau = useIsBureau();

  const id = computed(() => Number(route.params.id));
  const query = useQuery({
    queryKey: computed(() => [HOST_KEY, id.value]),
    queryFn: () => trpc.livestream.hosts.get.query({ id: id.value }),
    enabled: computed(() => Number.isInteger(id.value)),
  });
  const profile = computed(() => query.data.value ?? null);

  async function refresh(updated: HostProfile) {
    queryClient.setQueryData([HOST_KEY, updated.host.id], updated);
    await queryClient.invalidateQueries({ queryKey: [HOSTS_KEY] });
  }

  const editing = ref(false);
  async function saved(updated: HostProfile) {
    toast('success', t('livestream.host.saved', { name: updated.host.name }));
    await refresh(updated);
  }

  const link = useMutation({
    mutationFn: (traineeId: number) => trpc.livestream.hosts.linkTrainee.mutate({ hostId: id.value, traineeId }),
    onSuccess: async (updated) => {
      toast('success', t('livestream.host.linked', { name: updated.trainee?.name ?? '' }));
      await refresh(updated);
    },
  });
  // the bureau may link a trainee the mobile does not suggest: search by name, initials or mobile tail
  const pickQuery = ref('');
  const picked = ref<number | undefined>();
  const candidates = useQuery({
    queryKey: computed(() => ['training.trainees.search', 'host-link', pickQuery.value]),
    queryFn: () => trpc.training.trainees.search.query({ q: pickQuery.value }),
    enabled: computed(() => isBureau.value && pickQuery.value.length >= 2),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const candidateOptions = computed(() =>
    (candidates.data.value ?? []).map((c) => ({ value: c.id, label: [c.name, c.mobile, c.villageName].filter(Boolean).join(' · ') })),
  );
  function linkPicked() {
    if (picked.value !== undefined) link.mutate(picked.value, { onSuccess: () => (picked.value = undefined) });
  }

  const unlink = useMutation({
    mutationFn: () => trpc.livestream.hosts.unlinkTrainee.mutate({ hostId: id.value }),
    onSuccess: async (updated) => {
      toast('success', t('livestream.host.unlinked'));
      await refresh(updated);
    },
  });

  return {
    t,
    ...labels,
    id,
    profile,
    isBureau,
    loading: computed(() => query.isFetching.value),
    error: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    editing,
    saved,
    confirmLink: (traineeId: number) => link.mutate(traineeId),
    linking: computed(() => link.isPending.value),
    picked,
    candidateOptions,
    candidatesLoading: computed(() => candidates.isFetching.value),
    searchCandidates: (text: string) => (pickQuery.value = text.trim()),
    linkPicked,
    unlinkTrainee: () => unlink.mutate(),
    unlinking: computed(() => unlink.isPending.value),
    linkError: computed(() => {
      const failed = link.error.value ?? unlink.error.value;
      return failed ? errorMessage(failed) : null;
    }),
  };
}
