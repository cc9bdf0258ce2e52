import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';
import { useTrainingLabels } from './training-labels';
import { TRAINEE_DUPLICATES_KEY, TRAINEE_KEY, TRAINEES_LIST_KEY, type DuplicateGroup } from './trainee-labels';

/** The one a group keeps by default: the most attended, then the first registered. */
function defaultKeep(group: DuplicateGroup): number {
  return [...group.members].sort((a, b) => b.attendanceCount - a.attendanceCount || a.id - b.id)[0].id;
}

/** Possible duplicates, grouped; choose the record to keep, confirm, merge the others into it. */
export function useTraineeDuplicates() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const { tagLabel } = useTrainingLabels();

  const query = useQuery({
    queryKey: [TRAINEE_DUPLICATES_KEY],
    queryFn: () => trpc.training.trainees.duplicates.query({}),
    staleTime: 0,
  });
  const groups = computed(() => query.data.value?.groups ?? []);
  const error = computed(() => (query.error.value ? errorMessage(query.error.value) : null));

  /** The member to keep, by group key. */
  const keep = reactive<Record<string, number>>({});
  const keepOf = (group: DuplicateGroup) => {
    const chosen = keep[group.key];
    return chosen !== undefined && group.members.some((m) => m.id === chosen) ? chosen : defaultKeep(group);
  };
  const choose = (group: DuplicateGroup, id: number) => (keep[group.key] = id);

  // ---- confirm and merge --------------------------------------------------------------------------
  const confirming = ref<DuplicateGroup | null>(null);
  const confirmText = computed(() => {
    const group = confirming.value;
    if (!group) return '';
    const kept = group.members.find((m) => m.id === keepOf(group))!;
    const others = group.members
      .filter((m) => m.id !== kept.id)
      .map((m) => t('trainees.duplicates.member', { name: m.name, mobile: m.mobile }))
      .join(t('trainees.duplicates.separator'));
    return t('trainees.duplicates.confirmText', { others, kept: kept.name, mobile: kept.mobile });
  });
  const merge = useMutation({
    mutationFn: async (group: DuplicateGroup) => {
      const keepId = keepOf(group);
      const totals = { moved: 0, overlapping: 0, outcomes: 0 };
      for (const member of group.members) {
        if (member.id === keepId) continue;
        const result = await trpc.training.trainees.merge.mutate({ keepId, mergeId: member.id });
        totals.moved += result.attendanceMoved;
        totals.overlapping += result.attendanceOverlapping;
        totals.outcomes += result.outcomesMoved;
      }
      return { ...totals, name: group.members.find((m) => m.id === keepId)!.name, keepId };
    },
    onSuccess: (done) => {
      confirming.value = null;
      toast('success', t('trainees.duplicates.done', done));
    },
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: [TRAINEE_DUPLICATES_KEY] });
      await queryClient.invalidateQueries({ queryKey: [TRAINEES_LIST_KEY] });
      await queryClient.invalidateQueries({ queryKey: [TRAINEE_KEY] });
    },
  });
  function askMerge(group: DuplicateGroup) {
    merge.reset();
    confirming.value = group;
  }

  return {
    t,
    tagLabel,
    groups,
    truncated: computed(() => query.data.value?.truncated ?? false),
    loading: computed(() => query.isFetching.value),
    error,
    keepOf,
    choose,
    confirming,
    confirmText,
    askMerge,
    confirmMerge: () => confirming.value && merge.mutate(confirming.value),
    merging: computed(() => merge.isPending.value),
    mergeError: computed(() => (merge.error.value ? errorMessage(merge.error.value) : null)),
  };
}
