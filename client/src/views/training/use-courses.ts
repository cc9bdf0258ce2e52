import { useQueryClient } from '@tanstack/vue-query';
import { computed, reactive } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRouter } from 'vue-router';
import type { ExportColumn } from '@/components/export-button/use-export';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useDebouncedText } from '@/composables/use-debounced-text';
import { useServerList } from '@/composables/use-server-list';
import { toast } from '@/utils/toast';
import { shanghaiYear } from '@/utils/shanghai-time';
import { TRAINING_COURSES_KEY, useTrainingLabels, type Course } from './training-labels';
import { useTrainingTowns } from './use-training-towns';

type ListInput = RouterInputs['training']['courses']['list'];
type ExportColumns = RouterInputs['training']['courses']['export']['columns'];
type SortKey = NonNullable<ListInput['sort']>['key'];
type Filter = NonNullable<ListInput['filter']>;

/** Years the year filter offers: this one and a few back. */
const YEARS_BACK = 4;

/** Training courses: the server-side list with its filters, and the create dialog. */
export function useCourses() {
  const { t } = useI18n();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labels = useTrainingLabels();
  const { townOptions } = useTrainingTowns();

  const list = useServerList({
    key: TRAINING_COURSES_KEY,
    fetch: (input) => trpc.training.courses.list.query(input),
    filter: { regionCode: undefined, topic: undefined, status: undefined, q: undefined, year: undefined } as Filter,
    sort: { key: 'plannedStart' as SortKey, order: 'desc' },
    sortable: { title: 'title', plannedStart: 'plannedStart', status: 'status' },
  });
  const { filter } = list;
  const { text: search, flush: searchNow } = useDebouncedText((text) => (filter.q = text || undefined));

  const thisYear = shanghaiYear();
  const yearOptions = Array.from({ length: YEARS_BACK + 1 }, (_, i) => thisYear + 1 - i);

  const dialogs = reactive({ create: false });
  const refresh = () => queryClient.invalidateQueries({ queryKey: [TRAINING_COURSES_KEY] });

  function onCreated(course: Course) {
    toast('success', t('training.done.created', { title: course.title }));
    void refresh();
    void router.push({ name: 'training-course', params: { id: course.id } });
  }

  // Export: the columns of the table and a few more, headed in the user's language; codes become words.
  const exportColumns = computed<ExportColumn[]>(() => {
    const topics = Object.fromEntries(labels.topicOptions().map((o) => [o.value, o.label]));
    const statuses = Object.fromEntries(labels.statusOptions().map((o) => [o.value, o.label]));
    return [
      { key: 'title', header: t('training.columns.title') },
      { key: 'topic', header: t('training.columns.topic'), labels: topics },
      { key: 'regionName', header: t('training.columns.town') },
      { key: 'organiser', header: t('training.columns.organiser') },
      { key: 'trainers', header: t('training.columns.trainers') },
      { key: 'stationName', header: t('training.columns.station') },
      { key: 'venue', header: t('training.columns.venue') },
      { key: 'capacity', header: t('training.columns.capacity') },
      { key: 'plannedStart', header: t('training.columns.plannedStart') },
      { key: 'plannedEnd', header: t('training.columns.plannedEnd') },
      { key: 'status', header: t('training.columns.status'), labels: statuses },
      { key: 'sessionCount', header: t('training.columns.sessions') },
      { key: 'requiredSessions', header: t('training.columns.requiredSessions') },
      { key: 'traineeCount', header: t('training.columns.trainees') },
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.training.courses.export.mutate({ list: list.listInput.value, columns: columns as ExportColumns, sheetName: t('training.courses.sheetName') });

  const openCourse = (course: Pick<Course, 'id'>) => router.push({ name: 'training-course', params: { id: course.id } });
  const datesText = (course: Course) =>
    course.plannedStart ? (course.plannedEnd && course.plannedEnd !== course.plannedStart ? `${course.plannedStart} – ${course.plannedEnd}` : course.plannedStart) : '—';

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    ...labels,
    search,
    searchNow,
    townOptions,
    yearOptions,
    topicOptionList: computed(() => labels.topicOptions()),
    statusOptionList: computed(() => labels.statusOptions()),
    dialogs,
    onCreated,
    openCourse,
    datesText,
  };
}
