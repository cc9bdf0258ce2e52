import { useMutation } from '@tanstack/vue-query';
import { computed, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';
import { readBase64 } from '@/utils/file-base64';

type ImportResult = RouterOutputs['stations']['import']['preview'];
/** The server refuses files over ~10 MB (its base64 limit); a station register is far smaller. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * Import the station register from Excel: the chosen file is checked in full on the server (a dry
 * run that writes nothing), its problems listed by row; only a file without problems may be
 * committed, and the commit writes every row or none.
 */
export function useStationImport(onImported: (created: number) => void) {
  const { t, locale } = useI18n();
  const { label } = useEnumLabel();
  /** The column a problem is about, in words (a code we have no label for is shown as it is). */
  const fieldLabel = (field: string | null) => (field ? label('stations.import.fields', field) : '—');
  const fileName = ref('');
  const fileBase64 = ref<string | null>(null);
  const readError = ref<string | null>(null);
  /** The sheet the user picked in a workbook of several; otherwise the server's choice. */
  const sheet = ref<string | null>(null);
  const request = (base64: string) => ({ fileBase64: base64, ...(sheet.value !== null ? { sheet: sheet.value } : {}) });

  const preview = useMutation({ mutationFn: (base64: string) => trpc.stations.import.preview.mutate(request(base64)) });
  const commit = useMutation({
    mutationFn: (base64: string) => trpc.stations.import.commit.mutate(request(base64)),
    onSuccess: (result) => onImported(result.validRows),
  });

  async function choose(file: File | undefined): Promise<void> {
    preview.reset();
    commit.reset();
    readError.value = null;
    fileBase64.value = null;
    sheet.value = null;
    fileName.value = file?.name ?? '';
    if (!file) return;
    if (!/\.xlsx$/i.test(file.name)) {
      readError.value = t('stations.import.notXlsx');
      return;
    }
    if (file.size > MAX_BYTES) {
      readError.value = t('stations.import.tooBig');
      return;
    }
    try {
      fileBase64.value = await readBase64(file);
    } catch {
      readError.value = t('stations.import.readFailed');
      return;
    }
    preview.mutate(fileBase64.value);
  }

  // The server's messages came in the language of the request: after a switch, check again.
  watch(locale, () => {
    if (fileBase64.value && preview.data.value && !commit.data.value) preview.mutate(fileBase64.value);
  });

  function pickSheet(name: string): void {
    sheet.value = name;
    if (fileBase64.value && !commit.data.value) preview.mutate(fileBase64.value);
  }

  const result = computed<ImportResult | undefined>(() => commit.data.value ?? preview.data.value);
  const committed = computed(() => commit.data.value !== undefined);
  const canCommit = computed(
    () => !!fileBase64.value && !!preview.data.value && preview.data.value.problems.length === 0 && preview.data.value.validRows > 0 && !committed.value,
  );

  function runCommit(): void {
    if (canCommit.value && !commit.isPending.value) commit.mutate(fileBase64.value!);
  }

  const error = computed(() => {
    if (readError.value) return readError.value;
    const failed = commit.error.value ?? preview.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    fieldLabel,
    fileName,
    choose,
    pickSheet,
    result,
    committed,
    canCommit,
    runCommit,
    checking: preview.isPending,
    committing: commit.isPending,
    error,
  };
}
