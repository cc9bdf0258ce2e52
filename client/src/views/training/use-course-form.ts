import { useMutation } from '@tanstack/vue-query';
import type { FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs } from '@/api/trpc';
import { useTrainingLabels, type Course, type CourseStatus, type CourseTopic } from './training-labels';
import { useTrainingTowns } from './use-training-towns';

type CreateInput = RouterInputs['training']['courses']['create'];

interface CourseForm {
  title: string;
  topic: CourseTopic | '';
  regionCode: string;
  organiser: string;
  /** Trainers' names, separated by commas or 、. */
  trainers: string;
  venue: string;
  capacity: number | undefined;
  plannedStart: string;
  plannedEnd: string;
  /** Blank: the default rule (every session for ≤ 2, else 80 %). */
  completionMinSessions: number | undefined;
  /** Asked when editing; a new course starts as planned. */
  status: CourseStatus;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** Create or edit a course: what it is, where, when, its status, and the completion rule if not the default. */
export function useCourseForm(editing: () => Course | null, done: { saved: (course: Course, created: boolean) => void }) {
  const { t } = useI18n();
  const { topicOptions, statusOptions } = useTrainingLabels();
  const { townOptions } = useTrainingTowns();

  const form = reactive<CourseForm>({
    title: '',
    topic: '',
    regionCode: '',
    organiser: '',
    trainers: '',
    venue: '',
    capacity: undefined,
    plannedStart: '',
    plannedEnd: '',
    completionMinSessions: undefined,
    status: 'planned',
  });
  const current = editing();
  if (current) {
    Object.assign(form, {
      title: current.title,
      topic: current.topic,
      regionCode: current.regionCode,
      organiser: current.organiser ?? '',
      trainers: current.trainers.join('、'),
      venue: current.venue ?? '',
      capacity: current.capacity ?? undefined,
      plannedStart: current.plannedStart ?? '',
      plannedEnd: current.plannedEnd ?? '',
      completionMinSessions: current.completionMinSessions ?? undefined,
      status: current.status,
    });
  }

  // A coordinator of one town has nothing to choose.
  watch(
    townOptions,
    (options) => {
      if (!form.regionCode && options.length === 1) form.regionCode = options[0].value;
    },
    { immediate: true },
  );

  const rules = computed<FormRules<CourseForm>>(() => ({
    title: [{ required: true, whitespace: true, message: t('training.form.titleRequired'), trigger: 'blur' }],
    topic: [{ required: true, message: t('training.form.topicRequired'), trigger: 'change' }],
    regionCode: [{ required: true, message: t('training.form.townRequired'), trigger: 'change' }],
    plannedEnd: [
      {
        validator: (_rule, value: string, callback) =>
          callback(value && form.plannedStart && value < form.plannedStart ? new Error(t('training.form.endBeforeStart')) : undefined),
        trigger: 'change',
      },
    ],
  }));

  function fields(): CreateInput {
    return {
      title: form.title.trim(),
      topic: form.topic as CourseTopic,
      regionCode: form.regionCode,
      organiser: orNull(form.organiser),
      trainers: form.trainers
        .split(/[,，、;；]/)
        .map((name) => name.trim())
        .filter(Boolean),
      stationId: current?.stationId ?? null,
      venue: orNull(form.venue),
      capacity: form.capacity ?? null,
      plannedStart: form.plannedStart || null,
      plannedEnd: form.plannedEnd || null,
      completionMinSessions: form.completionMinSessions ?? null,
    };
  }

  const save = useMutation({
    mutationFn: async () =>
      current
        ? { course: await trpc.training.courses.update.mutate({ ...fields(), id: current.id, version: current.version, status: form.status }), created: false }
        : { course: await trpc.training.courses.create.mutate(fields()), created: true },
    onSuccess: (result) => done.saved(result.course, result.created),
  });

  /** Called by form-dialog once the rules pass. */
  function submit(): void {
    if (!save.isPending.value) save.mutate();
  }

  return {
    t,
    form,
    rules,
    isEdit: current !== null,
    topicOptions: computed(() => topicOptions()),
    statusOptions: computed(() => statusOptions()),
    townOptions,
    submit,
    saving: save.isPending,
    error: computed(() => (save.error.value ? errorMessage(save.error.value) : null)),
  };
}
