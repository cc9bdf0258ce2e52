import { keepPreviousData, useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { TRAINEE_TAGS, useTrainingLabels } from './training-labels';
import { TRAINEES_LIST_KEY, useTraineeLabels, type TraineeListItem } from './trainee-labels';
import { useTrainingTowns } from './use-training-towns';

type ListInput = RouterInputs['training']['trainees']['list'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;
type ExportColumns = RouterInputs['training']['trainees']['export']['columns'];

/** The trainee list: search, filters, paging and sort on the server; export of the same rows. */
export function useTrainees() {
  const { t } = useI18n();
  const router = useRouter();
  const training = useTrainingLabels();
  const labels = useTraineeLabels();
  const { townOptions } = useTrainingTowns();

  const list = useServerList({
    key: TRAINEES_LIST_KEY,
    fetch: (input) => trpc.training.trainees.list.query(input),
    filter: { q: undefined, regionCode: undefined, tag: undefined, hasOutcome: undefined, courseId: undefined } as Filter,
    sort: { key: 'createdAt' as SortKey, order: 'desc' },
    sortable: { name: 'name', createdAt: 'createdAt', attendanceCount: 'attendance' },
  });
  const { filter } = list;
  const { text: search, flush: searchNow } = useDebouncedText((text) => (filter.q = text || undefined));

  /** The outcome filter as a select: '' all, 'yes', 'no'. */
  const outcome = computed({
    get: () => (filter.hasOutcome === undefined ? '' : filter.hasOutcome ? 'yes' : 'no'),
    set: (value: string) => (filter.hasOutcome = value === 'yes' ? true : value === 'no' ? false : undefined),
  });

  // the course filter searches the courses the user may see, by title
  const courseQuery = ref('');
  const courses = useQuery({
    queryKey: computed(() => ['training.courses.list', 'trainee-filter', courseQuery.value]),
    queryFn: () => trpc.training.courses.list.query({ page: 1, pageSize: 20, filter: { q: courseQuery.value || undefined } }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const courseOptions = computed(() =>
    (courses.data.value?.items ?? []).map((c) => ({ value: c.id, label: `${c.title} · ${c.regionName} · ${c.plannedStart ?? ''}` })),
  );
  const searchCourses = (text: string) => (courseQuery.value = text);

  const tagOptions = computed(() => training.tagOptions());

  const exportColumns = computed<ExportColumn[]>(() => [
    { key: 'name', header: t('trainees.columns.name') },
    { key: 'mobile', header: t('trainees.columns.mobile') },
    { key: 'idCardLast4', header: t('trainees.columns.idCard') },
    { key: 'gender', header: t('trainees.columns.gender'), labels: labels.labels('trainees.gender', ['male', 'female']) },
    { key: 'birthDate', header: t('trainees.columns.birthDate') },
    { key: 'villageName', header: t('trainees.columns.village') },
    { key: 'tags', header: t('trainees.columns.tags'), labels: labels.labels('training.tags', TRAINEE_TAGS) },
    { key: 'courseCount', header: t('trainees.columns.courses') },
    { key: 'attendanceCount', header: t('trainees.columns.attendance') },
    { key: 'outcomeCount', header: t('trainees.columns.outcomes') },
    { key: 'lastAttendedOn', header: t('trainees.columns.lastAttended') },
    { key: 'createdAt', header: t('trainees.columns.createdAt') },
  ]);
  const runExport = (columns: ExportColumn[]) =>
    trpc.training.trainees.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('trainees.sheetName') });

  const openTrainee = (trainee: Pick<TraineeListItem, 'id'>) => router.push({ name: 'training-trainee', params: { id: trainee.id } });

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    ...labels,
    search,
    searchNow,
    outcome,
    townOptions,
    tagOptions,
    tagLabel: training.tagLabel,
    courseOptions,
    searchCourses,
    coursesLoading: computed(() => courses.isFetching.value),
    openTrainee,
  };
}
