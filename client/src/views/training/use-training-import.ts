import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { useRoute } from 'vue-router';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { useImportWizard, type WizardRequest } from '@/components/import-wizard/use-import-wizard';
import { TRAINING_COURSE_KEY, TRAINING_COURSES_KEY, TRAINING_SESSIONS_KEY } from './training-labels';

type PreviewInput = RouterInputs['training']['attendance']['import']['preview'];
type Preview = RouterOutputs['training']['attendance']['import']['preview'];
type CommitResult = RouterOutputs['training']['attendance']['import']['commit'];
export type ImportRow = Preview['rows']['items'][number];
export type SignInField = Preview['missing'][number];

/** Our fields a column can stand for, in the server's order (sign-in-import.schemas.ts). */
export const SIGN_IN_FIELDS = ['name', 'mobile', 'idCard', 'village', 'date'] as const satisfies readonly SignInField[];

/**
 * 导入签到表 for one course: the shared import flow (use-import-wizard.ts) plus what is the
 * course's own — which course, the session the rows are for (by default each row's by its date),
 * and whether rows whose mobile is registered under another name are confirmed as that person.
 */
export function useTrainingImport() {
  const route = useRoute();
  const queryClient = useQueryClient();
  const courseId = computed(() => Number(route.params.id));

  const course = useQuery({
    queryKey: computed(() => [TRAINING_COURSE_KEY, courseId.value]),
    queryFn: () => trpc.training.courses.get.query({ id: courseId.value }),
    enabled: computed(() => Number.isInteger(courseId.value)),
  });

  /** null: each row's session by its date. */
  const sessionId = ref<number | null>(null);
  /** Import rows whose name differs from the one registered with their mobile, as that trainee. */
  const confirmNames = ref(false);

  const base = ({ file, progressKey, mapping, sheet }: WizardRequest<SignInField>) => ({
    courseId: courseId.value,
    fileBase64: file.base64,
    progressKey,
    ...(sessionId.value !== null ? { sessionId: sessionId.value } : {}),
    confirmNames: confirmNames.value,
    ...(mapping ? { mapping: mapping as NonNullable<PreviewInput['mapping']> } : {}),
    ...(sheet ? { sheet } : {}),
  });

  const wizard = useImportWizard<SignInField, Preview, CommitResult>({
    ns: 'trainingImport',
    testId: 'training-import',
    fileTypes: /\.xlsx$/i,
    wrongType: 'notXlsx',
    preview: (request, query) => trpc.training.attendance.import.preview.mutate({ ...base(request), ...query }),
    commit: (request, mode) => trpc.training.attendance.import.commit.mutate({ ...base(request), mode }),
    progress: (progressKey) => trpc.training.attendance.import.progress.query({ progressKey }),
    onCommitted: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: [TRAINING_SESSIONS_KEY] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSE_KEY, courseId.value] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSES_KEY] }),
      ]),
    onClear: () => {
      sessionId.value = null;
      confirmNames.value = false;
    },
  });

  function setSession(id: number | null): void {
    sessionId.value = id;
    wizard.restart();
  }

  function setConfirmNames(value: boolean): void {
    confirmNames.value = value;
    wizard.restart();
  }

  return {
    wizard,
    courseId,
    course: computed(() => course.data.value ?? null),
    sessionId,
    setSession,
    confirmNames,
    setConfirmNames,
  };
}
