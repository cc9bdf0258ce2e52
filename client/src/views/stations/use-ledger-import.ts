import { useQueryClient } from '@tanstack/vue-query';
import { ref } from 'vue';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { useImportWizard, wizardRequest, type WizardRequest } from '@/components/import-wizard/use-import-wizard';
import { FIGURE_FIELDS } from './ledger-fields';

type Preview = RouterOutputs['stations']['ledger']['import']['preview'];
type CommitResult = RouterOutputs['stations']['ledger']['import']['commit'];
export type LedgerImportField = Preview['missing'][number];
export type LedgerImportRow = Preview['rows']['items'][number];

/** Our fields a column can stand for, in the server's order (ledger.import.ts IMPORT_FIELDS). */
export const LEDGER_IMPORT_FIELDS: readonly LedgerImportField[] = ['date', 'stationCode', ...FIGURE_FIELDS, 'note'];

/** What the result card shows, in order (`ledgerImport.result.<key>`). */
export const LEDGER_IMPORT_RESULT = ['rows', 'written', 'unchanged', 'duplicates', 'rejected'] as const;

/**
 * A month of ledger from the user's own spreadsheet, on the shared import flow (use-import-wizard.ts):
 * their headers mapped to our fields (remembered for the next file), every row checked, then all
 * rows or none, or the good ones and the rest back as a workbook. Days equal to what is stored are
 * left alone, so the same file twice changes nothing. The whole file may be for the station chosen
 * on the page, when it has no station-code column.
 */
export function useLedgerImport(station: () => { id: number | null; label: string | null }) {
  const queryClient = useQueryClient();
  const forStation = ref(station().id !== null);

  const request = (r: WizardRequest<LedgerImportField>) => ({
    ...wizardRequest(r),
    ...(forStation.value && station().id !== null ? { stationId: station().id! } : {}),
  });

  const wizard = useImportWizard<LedgerImportField, Preview, CommitResult>({
    ns: 'ledgerImport',
    testId: 'ledger-import',
    fileTypes: /\.xlsx$/i,
    wrongType: 'notXlsx',
    preview: (r, query) => trpc.stations.ledger.import.preview.mutate({ ...request(r), ...query }),
    commit: (r, mode) => trpc.stations.ledger.import.commit.mutate({ ...request(r), mode }),
    progress: (progressKey) => trpc.stations.ledger.import.progress.query({ progressKey }),
    onCommitted: () => queryClient.invalidateQueries({ queryKey: ['stations.ledger.day'] }),
  });

  /** The whole file for the page's station, or a station-code column: check again either way. */
  function setForStation(value: boolean): void {
    forStation.value = value;
    wizard.restart();
  }

  return { wizard, forStation, setForStation };
}
