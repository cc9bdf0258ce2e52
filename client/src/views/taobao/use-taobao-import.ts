import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import { storeToRefs } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useImportWizard, wizardRequest } from '@/components/import-wizard/use-import-wizard';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { TAOBAO_KEY, useTaobaoLabels, useTaobaoYears } from './taobao-labels';

type FiguresPreview = RouterOutputs['taobao']['figures']['import']['preview'];
type FiguresResult = RouterOutputs['taobao']['figures']['import']['commit'];
type ListPreview = RouterOutputs['taobao']['recognitions']['import']['preview'];
type ListResult = RouterOutputs['taobao']['recognitions']['import']['commit'];
export type FigureField = FiguresPreview['missing'][number];
export type FigureRow = FiguresPreview['rows']['items'][number];
export type ListField = ListPreview['missing'][number];
export type ListRow = ListPreview['rows']['items'][number];

/** Our fields a column can stand for, in the server's order (taobao.import.ts). */
export const FIGURE_FIELDS = ['code', 'town', 'village', 'period', 'salesYuan', 'salesWan', 'activeShops', 'households', 'urbanRuralClass'] as const satisfies readonly FigureField[];
export const LIST_FIELDS = ['year', 'level', 'province', 'city', 'county', 'town', 'village'] as const satisfies readonly ListField[];
export const FIGURE_RESULT = ['rows', 'written', 'duplicates', 'rejected'] as const;
export const LIST_RESULT = ['rows', 'recognised', 'unmatched', 'duplicates', 'rejected'] as const;

const request = wizardRequest;

/**
 * 数据导入 for Taobao villages (the bureau's): official figures and AliResearch's published list on
 * the shared import wizard, the list's rows no code was found for (a person picks the place), the
 * years closed and reopened (admin), and an evaluation run now.
 */
export function useTaobaoImport() {
  const labels = useTaobaoLabels();
  const { t } = labels;
  const queryClient = useQueryClient();
  const { actor } = storeToRefs(useAuthStore());
  const refresh = () => queryClient.invalidateQueries({ queryKey: [TAOBAO_KEY] });

  const figures = useImportWizard<FigureField, FiguresPreview, FiguresResult>({
    ns: 'taobaoImport',
    testId: 'taobao-figures-import',
    fileTypes: /\.xlsx$/i,
    wrongType: 'notXlsx',
    preview: (r, query) => trpc.taobao.figures.import.preview.mutate({ ...request(r), ...query }),
    commit: (r, mode) => trpc.taobao.figures.import.commit.mutate({ ...request(r), mode }),
    progress: (progressKey) => trpc.taobao.figures.import.progress.query({ progressKey }),
    onCommitted: async () => void refresh(),
  });
  const list = useImportWizard<ListField, ListPreview, ListResult>({
    ns: 'taobaoListImport',
    testId: 'taobao-list-import',
    fileTypes: /\.xlsx$/i,
    wrongType: 'notXlsx',
    preview: (r, query) => trpc.taobao.recognitions.import.preview.mutate({ ...request(r), ...query }),
    commit: (r, mode) => trpc.taobao.recognitions.import.commit.mutate({ ...request(r), mode }),
    progress: (progressKey) => trpc.taobao.recognitions.import.progress.query({ progressKey }),
    onCommitted: async () => void refresh(),
  });
  const dialogs = reactive({ figures: false, list: false });

  const unmatched = useQuery({ queryKey: [TAOBAO_KEY, 'unmatched'], queryFn: () => trpc.taobao.recognitions.unmatched.query() });
  const codes = reactive<Record<number, string>>({});
  const resolve = useMutation({
    mutationFn: (id: number) => trpc.taobao.recognitions.resolve.mutate({ id, code: (codes[id] ?? '').trim() }),
    onSuccess: () => {
      toast('success', t('taobao.import.resolved'));
      void refresh();
    },
    onError: (error) => toast('error', errorMessage(error)),
  });

  const years = useTaobaoYears(ref(null));
  const isAdmin = computed(() => actor.value?.role === 'admin');
  const closeYear = useMutation({
    mutationFn: ({ year, open }: { year: number; open: boolean }) => (open ? trpc.taobao.year.reopen.mutate({ year }) : trpc.taobao.year.close.mutate({ year })),
    onSuccess: () => void refresh(),
    onError: (error) => toast('error', errorMessage(error)),
  });
  const recompute = useMutation({
    mutationFn: () => trpc.taobao.recompute.mutate(),
    onSuccess: () => toast('success', t('taobao.import.recomputeQueued')),
    onError: (error) => toast('error', errorMessage(error)),
  });

  return { ...labels, figures, list, dialogs, unmatched, codes, resolve, years, isAdmin, closeYear, recompute };
}
