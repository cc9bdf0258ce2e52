import { useMutation } from '@tanstack/vue-query';
import type { UploadFile } from 'element-plus';
import { computed, onScopeDispose, reactive, ref, watch, type ComputedRef, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { newClientKey } from '@/utils/client-key';
import { readBase64 } from '@/utils/file-base64';

export const IMPORT_MODES = ['skip_invalid', 'all_or_nothing'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export type ImportStatus = 'ok' | 'already' | 'duplicate' | 'problem';
export type ImportOnly = 'all' | 'problems';

/** What every import's preview row has: its line in the sheet, the verdict, and what is said about it. */
export interface ImportRowBase {
  row: number;
  status: ImportStatus;
  problems: { field: string | null; message: string }[];
  notes: { field: string | null; message: string }[];
}

/** What every import's preview answers: the header found, the mapping, the totals and a page of rows. */
export interface ImportPreviewBase<F extends string> {
  headerRow: number;
  headers: string[];
  /** A workbook's visible sheets and the one read (none for a CSV): a picker when there are several. */
  sheets?: string[];
  sheet?: string | null;
  mapping: Partial<Record<F, string>>;
  missing: F[];
  totals: { ok: number; problem: number };
  /** Problems of the whole file, in all and per column (the rows themselves come a page at a time). */
  problemTotal: number;
  problemsByField: { field: string | null; count: number }[];
  rows: { items: ImportRowBase[]; total: number };
}

/** What every import's commit answers: the counts (read by the page) and the rows not imported (the first 10,000 of them). */
export interface ImportResultBase {
  rejected: number;
  rejects: { filename: string; contentBase64: string; rows: number } | null;
}

export interface PickedFile {
  name: string;
  base64: string;
}

/** How far the server has got with a request (its `progress` procedure). */
export interface ImportProgress {
  stage: 'reading' | 'checking' | 'writing' | 'done';
  done: number;
  total: number;
}

/** The part of each request the wizard owns; the page adds its own (course, platform, host…). */
export interface WizardRequest<F extends string> {
  file: PickedFile;
  /** Made afresh for each request: the server files its progress under it. */
  progressKey: string;
  /** Sent only once the user has changed a column; otherwise the server's remembered mapping or guess. */
  mapping?: Partial<Record<F, string>>;
  /** The sheet the user picked; otherwise the server reads the first with a header it knows. */
  sheet?: string;
}

/** What every import's request carries from the wizard: the file, the progress key, and the mapping and sheet once the user chose them. */
export function wizardRequest<F extends string>({ file, progressKey, mapping, sheet }: WizardRequest<F>) {
  return { fileBase64: file.base64, progressKey, ...(mapping ? { mapping } : {}), ...(sheet ? { sheet } : {}) };
}

export interface ImportWizardOptions<F extends string, P extends ImportPreviewBase<F>, R extends ImportResultBase> {
  /**
   * The page's i18n namespace. The wizard and its cards read their labels from it: `steps.*`,
   * `upload.{tooBig,readFailed,<wrongType>}`, `fields.*`, `mapping.*`, `preview.*`, `status.*`,
   * `mode.*`, `commit`, `committing`, `nothingToImport`, `result.*`.
   */
  ns: string;
  /** What the cards' data-testid attributes begin with: `<testId>-mapping`, `<testId>-row`, … */
  testId: string;
  /** The file names the server takes. */
  fileTypes: RegExp;
  /** The key under `<ns>.upload.` said when another kind of file is chosen. */
  wrongType: string;
  preview: (request: WizardRequest<F>, query: { page: number; pageSize: number; only: ImportOnly }) => Promise<P>;
  commit: (request: WizardRequest<F>, mode: ImportMode) => Promise<R>;
  /** Whether the rows can be shown and imported; by default, once every required column is mapped. */
  ready?: (preview: P) => boolean;
  /** The import's `progress` procedure, asked every 400 ms while a request is under way. */
  progress: (progressKey: string) => Promise<ImportProgress | null>;
  /** After a commit: refresh what the import changed. */
  onCommitted?: (result: R) => Promise<unknown>;
  /** When the file is cleared (a new one chosen, or 再导入一个文件): reset the page's own per-file choices. */
  onClear?: () => void;
}

/**
 * The wizard's state and steps, as the page and the cards (import-steps, column-mapping-card,
 * import-preview-card, import-commit, import-result-card) use them: each card takes it as its
 * `wizard` prop, once — a page keeps one wizard for its whole life.
 */
export interface ImportWizard<F extends string, P extends ImportPreviewBase<F>, R extends ImportResultBase> {
  t: ReturnType<typeof useI18n>['t'];
  ns: string;
  testId: string;
  file: Ref<PickedFile | null>;
  pick(upload: UploadFile): Promise<void>;
  reset(): void;
  preview: Ref<P | null>;
  mapping: Partial<Record<F, string>>;
  setMapping(field: F, header: string | undefined): void;
  /** Read another sheet of the workbook (its columns are guessed again). */
  setSheet(name: string): void;
  only: Ref<ImportOnly>;
  setOnly(value: ImportOnly): void;
  page: Ref<number>;
  setPage(value: number): void;
  pageSize: number;
  restart(options?: { guessMapping?: boolean }): void;
  mode: Ref<ImportMode>;
  step: ComputedRef<number>;
  ready: ComputedRef<boolean>;
  importable: ComputedRef<number>;
  canCommit: ComputedRef<boolean>;
  runCommit(): void;
  checking: Ref<boolean>;
  committing: Ref<boolean>;
  /** The server's progress on the request under way (null when none, or not heard yet). */
  progress: Ref<ImportProgress | null>;
  result: Ref<R | null>;
  error: ComputedRef<string | null>;
}

export const IMPORT_PAGE_SIZE = 50;
/** The server takes files up to 10 MB (server/src/lib/upload-limits.ts); a 100,000-row sheet is ~4 MB. */
const MAX_BYTES = 10 * 1024 * 1024;
const PROGRESS_EVERY_MS = 400;

/**
 * The flow every spreadsheet import shares: choose the file → check the columns (the server's
 * guess, or the mapping remembered from last time) → every row checked, paged, problems only if
 * asked → choose how to import → the counts, and the rows not imported as a download. Each step
 * asks the server again with the whole file, so what the preview shows is what the commit does.
 */
export function useImportWizard<F extends string, P extends ImportPreviewBase<F>, R extends ImportResultBase>(options: ImportWizardOptions<F, P, R>): ImportWizard<F, P, R> {
  const { t, locale } = useI18n();
  const { ns } = options;

  const file = ref<PickedFile | null>(null);
  const readError = ref<string | null>(null);
  const preview = ref<P | null>(null) as Ref<P | null>;
  /** Field → header, as shown in the selects; sent once the user has changed one. */
  const mapping = reactive<Partial<Record<F, string>>>({}) as Partial<Record<F, string>>;
  const mappingTouched = ref(false);
  const sheet = ref<string | null>(null);
  const only = ref<ImportOnly>('all');
  const page = ref(1);
  const mode = ref<ImportMode>('skip_invalid');
  const result = ref<R | null>(null) as Ref<R | null>;

  /** The key of the request under way, and what the server last said of it. */
  const progressKey = ref<string | null>(null);
  const progress = ref<ImportProgress | null>(null);
  const request = (): WizardRequest<F> => ({
    file: file.value!,
    progressKey: (progressKey.value = newClientKey()),
    ...(sheet.value !== null ? { sheet: sheet.value } : {}),
    ...(mappingTouched.value ? { mapping: Object.fromEntries(Object.entries(mapping).filter(([, h]) => h)) as Partial<Record<F, string>> } : {}),
  });
  const clearMapping = () => {
    for (const key of Object.keys(mapping) as F[]) delete mapping[key];
  };

  const check = useMutation({
    mutationFn: () => options.preview(request(), { page: page.value, pageSize: IMPORT_PAGE_SIZE, only: only.value }),
    onSuccess: (found) => {
      preview.value = found;
      clearMapping();
      Object.assign(mapping, found.mapping);
    },
  });
  const recheck = () => {
    if (file.value && !result.value) check.mutate();
  };

  const commit = useMutation({
    mutationFn: () => options.commit(request(), mode.value),
    onSuccess: async (done) => {
      result.value = done;
      await options.onCommitted?.(done);
    },
  });

  async function pick(upload: UploadFile): Promise<void> {
    const raw = upload.raw;
    if (!raw) return;
    reset();
    if (!options.fileTypes.test(raw.name)) return void (readError.value = t(`${ns}.upload.${options.wrongType}`));
    if (raw.size > MAX_BYTES) return void (readError.value = t(`${ns}.upload.tooBig`));
    try {
      file.value = { name: raw.name, base64: await readBase64(raw) };
    } catch {
      readError.value = t(`${ns}.upload.readFailed`);
      return;
    }
    check.mutate();
  }

  function reset(): void {
    file.value = preview.value = result.value = readError.value = null;
    clearMapping();
    mappingTouched.value = false;
    sheet.value = null;
    options.onClear?.();
    only.value = 'all';
    page.value = 1;
    check.reset();
    commit.reset();
  }

  /** A choice that changes what the rows are: back to the first page and check again. */
  function restart({ guessMapping = false } = {}): void {
    if (guessMapping) mappingTouched.value = false; // another export's columns: guess again
    page.value = 1;
    recheck();
  }
  function setMapping(field: F, header: string | undefined): void {
    mapping[field] = header || undefined;
    mappingTouched.value = true;
    restart();
  }
  function setSheet(name: string): void {
    sheet.value = name;
    restart({ guessMapping: true }); // another sheet, other columns
  }
  function setOnly(value: ImportOnly): void {
    only.value = value;
    restart();
  }
  function setPage(value: number): void {
    page.value = value;
    recheck();
  }

  // While a request is under way, ask how far it has got; a failed poll is only a bar that waits.
  let timer: ReturnType<typeof setInterval> | undefined;
  const stopPolling = () => {
    clearInterval(timer);
    timer = undefined;
    progress.value = null;
  };
  watch(
    () => check.isPending.value || commit.isPending.value,
    (busy) => {
      stopPolling();
      if (!busy) return;
      timer = setInterval(() => {
        const key = progressKey.value;
        if (key) void options.progress(key).then((p) => key === progressKey.value && timer && (progress.value = p), () => {});
      }, PROGRESS_EVERY_MS);
    },
  );
  onScopeDispose(stopPolling);

  // The server's messages come in the language of the request: after a switch, check again.
  watch(locale, () => {
    if (preview.value && !result.value) recheck();
  });

  const ready = computed(() => !!preview.value && (options.ready ? options.ready(preview.value) : !preview.value.missing.length));
  const step = computed(() => (result.value ? 3 : ready.value ? 2 : file.value ? 1 : 0));
  const importable = computed(() => (preview.value ? preview.value.totals.ok : 0));
  const canCommit = computed(
    () => ready.value && !result.value && !check.isPending.value && importable.value > 0 && (mode.value === 'skip_invalid' || preview.value!.totals.problem === 0),
  );
  const error = computed(() => {
    if (readError.value) return readError.value;
    const failed = commit.error.value ?? check.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    ns,
    testId: options.testId,
    file,
    pick,
    reset,
    preview,
    mapping,
    setMapping,
    setSheet,
    only,
    setOnly,
    page,
    setPage,
    pageSize: IMPORT_PAGE_SIZE,
    restart,
    mode,
    step,
    ready,
    importable,
    canCommit,
    runCommit: () => {
      if (canCommit.value && !commit.isPending.value) commit.mutate();
    },
    checking: check.isPending,
    committing: commit.isPending,
    progress,
    result,
    error,
  };
}
