import { useMutation, useQueryClient } from '@tanstack/vue-query';
import type { UploadFile } from 'element-plus';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { toast } from '@/utils/toast';
import { readBase64 } from '@/utils/file-base64';
import { FIGURE_FIELDS } from './ledger-fields';

type ImportInput = RouterInputs['stations']['ledger']['import']['preview'];
type Preview = RouterOutputs['stations']['ledger']['import']['preview'];
type Field = Preview['missing'][number];
type Mapping = NonNullable<ImportInput['mapping']>;

/** Our fields a column can stand for, in the server's order (ledger.import.ts IMPORT_FIELDS). */
export const IMPORT_FIELDS: Field[] = ['date', 'stationCode', ...FIGURE_FIELDS, 'note'];

/** Larger files are refused by the server; say so before reading them. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * A month of ledger from the user's own spreadsheet: preview (the columns found for each of our
 * fields, and every row's problems), adjust the mapping and check again, then commit — all rows or
 * none. The server remembers the mapping for the next file.
 */
export function useLedgerImport(station: () => { id: number | null; label: string | null }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const file = ref<{ name: string; base64: string } | null>(null);
  /** The whole file is for the station chosen on the page (no station-code column needed). */
  const forStation = ref(station().id !== null);
  const preview = ref<Preview | null>(null);
  const mapping = reactive<Record<string, string | undefined>>({});
  const mappingChanged = ref(false);
  /** The sheet the user picked in a workbook of several; otherwise the server's choice. */
  const sheet = ref<string | null>(null);
  const done = ref<{ rows: number; written: number; unchanged: number } | null>(null);

  const input = (withMapping: boolean): ImportInput => ({
    fileBase64: file.value!.base64,
    ...(forStation.value && station().id !== null ? { stationId: station().id! } : {}),
    ...(withMapping ? { mapping: Object.fromEntries(Object.entries(mapping).filter(([, h]) => h)) as Mapping } : {}),
    ...(sheet.value !== null ? { sheet: sheet.value } : {}),
  });

  const check = useMutation({
    mutationFn: (withMapping: boolean) => trpc.stations.ledger.import.preview.mutate(input(withMapping)),
    onSuccess: (result) => {
      preview.value = result;
      for (const key of Object.keys(mapping)) delete mapping[key];
      Object.assign(mapping, result.mapping);
      mappingChanged.value = false;
    },
  });

  const commit = useMutation({
    mutationFn: () => trpc.stations.ledger.import.commit.mutate(input(true)),
    onSuccess: (result) => {
      done.value = result;
      toast('success', t('ledger.import.done', result));
      void queryClient.invalidateQueries({ queryKey: ['stations.ledger.day'] });
    },
  });

  async function pick(upload: UploadFile): Promise<void> {
    const raw = upload.raw;
    if (!raw) return;
    if (raw.size > MAX_BYTES) {
      toast('error', t('ledger.import.tooLarge'));
      return;
    }
    preview.value = done.value = sheet.value = null;
    check.reset();
    commit.reset();
    file.value = { name: raw.name, base64: await readBase64(raw) };
    check.mutate(false);
  }

  function setMapping(field: string, header: string | undefined): void {
    mapping[field] = header || undefined;
    mappingChanged.value = true;
  }

  /** Another sheet, other columns: guessed again. */
  function pickSheet(name: string): void {
    sheet.value = name;
    check.mutate(false);
  }

  const canCommit = computed(
    () => !!preview.value && !mappingChanged.value && !preview.value.missing.length && !preview.value.problems.length && preview.value.validRows > 0 && !done.value,
  );
  const error = computed(() => {
    const failed = commit.error.value ?? check.error.value;
    return failed ? errorMessage(failed) : null;
  });

  return {
    t,
    file,
    forStation,
    preview,
    mapping,
    mappingChanged,
    setMapping,
    pick,
    pickSheet,
    recheck: () => check.mutate(true),
    checking: check.isPending,
    commit: () => commit.mutate(),
    committing: commit.isPending,
    canCommit,
    done,
    error,
  };
}
