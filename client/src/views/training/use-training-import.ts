import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import type { UploadFile } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { downloadBase64, readBase64 } from '@/utils/file-base64';
import { TRAINING_COURSE_KEY, TRAINING_COURSES_KEY, TRAINING_SESSIONS_KEY } from './training-labels';

type PreviewInput = RouterInputs['training']['attendance']['import']['preview'];
type Preview = RouterOutputs['training']['attendance']['import']['preview'];
type CommitResult = RouterOutputs['training']['attendance']['import']['commit'];
export type ImportRow = Preview['rows']['items'][number];
export type SignInField = Preview['missing'][number];
export type ImportMode = CommitResult['mode'];

/** Our fields a column can stand for, in the server's order (sign-in-import.schemas.ts). */
export const SIGN_IN_FIELDS = ['name', 'mobile', 'idCard', 'village', 'date'] as const satisfies readonly SignInField[];
export const IMPORT_MODES = ['skip_invalid', 'all_or_nothing'] as const satisfies readonly ImportMode[];
const PAGE_SIZE = 50;
/** The server takes up to 14 M base64 characters (~10 MB of xlsx); a 100,000-row sheet is ~4 MB. */
const MAX_BYTES = 10 * 1024 * 1024;

const STATUS_TAG: Record<ImportRow['status'], 'success' | 'info' | 'warning' | 'danger'> = {
  ok: 'success',
  already: 'info',
  duplicate: 'warning',
  problem: 'danger',
};

/**
 * 导入签到表: choose the sheet → check the columns (pre-filled with the server's guess or the
 * mapping remembered from last time) → every row checked, its problems shown, paged → choose how
 * to import → the counts, and the rows not imported as a download. Each step asks the server again
 * with the whole file, so what the preview shows is what the commit does.
 */
export function useTrainingImport() {
  const { t, locale } = useI18n();
  const route = useRoute();
  const queryClient = useQueryClient();
  const courseId = computed(() => Number(route.params.id));

  const course = useQuery({
    queryKey: computed(() => [TRAINING_COURSE_KEY, courseId.value]),
    queryFn: () => trpc.training.courses.get.query({ id: courseId.value }),
    enabled: computed(() => Number.isInteger(courseId.value)),
  });

  const file = ref<{ name: string; base64: string } | null>(null);
  const readError = ref<string | null>(null);
  const preview = ref<Preview | null>(null);
  /** Field → header, as shown in the selects; sent once the user has changed one. */
  const mapping = reactive<Partial<Record<SignInField, string>>>({});
  const mappingTouched = ref(false);
  /** null: each row's session by its date. */
  const sessionId = ref<number | null>(null);
  const only = ref<'all' | 'problems'>('all');
  const page = ref(1);
  const mode = ref<ImportMode>('skip_invalid');
  const result = ref<CommitResult | null>(null);

  const base = () => ({
    courseId: courseId.value,
    fileBase64: file.value!.base64,
    ...(sessionId.value !== null ? { sessionId: sessionId.value } : {}),
    ...(mappingTouched.value ? { mapping: Object.fromEntries(Object.entries(mapping).filter(([, h]) => h)) as NonNullable<PreviewInput['mapping']> } : {}),
  });

  const check = useMutation({
    mutationFn: () => trpc.training.attendance.import.preview.mutate({ ...base(), page: page.value, pageSize: PAGE_SIZE, only: only.value }),
    onSuccess: (found) => {
      preview.value = found;
      for (const key of Object.keys(mapping) as SignInField[]) delete mapping[key];
      Object.assign(mapping, found.mapping);
    },
  });
  const recheck = () => {
    if (file.value) check.mutate();
  };

  const commit = useMutation({
    mutationFn: () => trpc.training.attendance.import.commit.mutate({ ...base(), mode: mode.value }),
    onSuccess: async (done) => {
      result.value = done;
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [TRAINING_SESSIONS_KEY] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSE_KEY, courseId.value] }),
        queryClient.invalidateQueries({ queryKey: [TRAINING_COURSES_KEY] }),
      ]);
    },
  });

  async function pick(upload: UploadFile): Promise<void> {
    const raw = upload.raw;
    if (!raw) return;
    reset();
    if (!/\.xlsx$/i.test(raw.name)) return void (readError.value = t('trainingImport.upload.notXlsx'));
    if (raw.size > MAX_BYTES) return void (readError.value = t('trainingImport.upload.tooBig'));
    try {
      file.value = { name: raw.name, base64: await readBase64(raw) };
    } catch {
      readError.value = t('trainingImport.upload.readFailed');
      return;
    }
    check.mutate();
  }

  function reset(): void {
    file.value = preview.value = result.value = readError.value = null;
    for (const key of Object.keys(mapping) as SignInField[]) delete mapping[key];
    mappingTouched.value = false;
    sessionId.value = null;
    only.value = 'all';
    page.value = 1;
    check.reset();
    commit.reset();
  }

  function setMapping(field: SignInField, header: string | undefined): void {
    mapping[field] = header || undefined;
    mappingTouched.value = true;
    page.value = 1;
    recheck();
  }
  function setSession(id: number | null): void {
    sessionId.value = id;
    page.value = 1;
    recheck();
  }
  function setOnly(value: 'all' | 'problems'): void {
    only.value = value;
    page.value = 1;
    recheck();
  }
  function setPage(value: number): void {
    page.value = value;
    recheck();
  }

  // The server's messages come in the language of the request: after a switch, check again.
  watch(locale, () => {
    if (preview.value && !result.value) recheck();
  });

  const step = computed(() => (result.value ? 3 : preview.value && !preview.value.missing.length ? 2 : file.value ? 1 : 0));
  const importable = computed(() => (preview.value ? preview.value.totals.ok : 0));
  const canCommit = computed(
    () =>
      !!preview.value &&
      !preview.value.missing.length &&
      !result.value &&
      !check.isPending.value &&
      importable.value > 0 &&
      (mode.value === 'skip_invalid' || preview.value.totals.problem === 0),
  );
  const missingText = computed(() => (preview.value?.missing ?? []).map((f) => t(`trainingImport.fields.${f}`)).join('、'));
  const error = computed(() => {
    if (readError.value) return readError.value;
    const failed = commit.error.value ?? check.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    courseId,
    course: computed(() => course.data.value ?? null),
    file,
    pick,
    reset,
    preview,
    mapping,
    setMapping,
    sessionId,
    setSession,
    only,
    setOnly,
    page,
    setPage,
    pageSize: PAGE_SIZE,
    mode,
    step,
    importable,
    canCommit,
    missingText,
    runCommit: () => canCommit.value && !commit.isPending.value && commit.mutate(),
    checking: check.isPending,
    committing: commit.isPending,
    result,
    download: () => result.value?.rejects && downloadBase64(result.value.rejects.filename, result.value.rejects.contentBase64),
    statusTag: (status: ImportRow['status']) => STATUS_TAG[status],
    error,
  };
}
