import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc } from '@/api/trpc';
import { toast } from '@/utils/toast';
import { STAGES, TAOBAO_KEY, useTaobaoLabels, useTaobaoYears, type BoardCard, type Stage } from './taobao-labels';

/** 培育看板: the candidates by stage, each with its answer for the year; a card moves on from the version shown. */
export function useBoard() {
  const labels = useTaobaoLabels();
  const router = useRouter();
  const queryClient = useQueryClient();
  const chosenYear = ref<number | null>(null);
  const years = useTaobaoYears(chosenYear);
  const query = useQuery({
    queryKey: computed(() => [TAOBAO_KEY, 'board', years.year.value]),
    queryFn: () => trpc.taobao.pipeline.board.query({ year: years.year.value! }),
    enabled: computed(() => years.year.value !== null),
  });
  const columns = computed(() => STAGES.map((stage) => ({ stage, cards: (query.data.value ?? []).filter((c) => c.stage === stage) })));
  const move = useMutation({
    mutationFn: ({ card, stage }: { card: BoardCard; stage: Stage }) =>
      trpc.taobao.pipeline.set.mutate({
        code: card.code,
        stage,
        // moving to 已认定 from the board: the year shown is the year recognised
        recognisedYear: stage === 'recognised' ? (card.recognisedYear ?? years.year.value) : null,
        version: card.version,
      }),
    onSuccess: (_r, { card, stage }) => toast('success', labels.t('taobao.board.moved', { name: card.name, stage: labels.stageLabel(stage) })),
    onError: (error) => toast('error', errorMessage(error)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [TAOBAO_KEY] }),
  });
  return {
    ...labels,
    years,
    setYear: (year: number) => (chosenYear.value = year),
    query,
    columns,
    loadError: computed(() => (query.error.value ? errorMessage(query.error.value) : null)),
    move: (card: BoardCard, stage: Stage) => move.mutate({ card, stage }),
    open: (card: BoardCard) => router.push({ name: 'taobao-place', params: { code: card.code }, query: { year: years.year.value } }),
  };
}
