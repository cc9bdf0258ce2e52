import { trpc, type RouterOutputs } from '@/api/trpc';
import { useImportWizard, wizardRequest } from '@/components/import-wizard/use-import-wizard';

type Preview = RouterOutputs['stations']['import']['preview'];
type CommitResult = RouterOutputs['stations']['import']['commit'];
export type StationImportField = Preview['missing'][number];
export type StationImportRow = Preview['rows']['items'][number];

/** Our fields a column can stand for, in the server's order (stations.import.ts). */
export const STATION_IMPORT_FIELDS = [
  'code',
  'name',
  'tier',
  'regionCode',
  'parentCode',
  'address',
  'lat',
  'lng',
  'phone',
  'openedOn',
  'services',
  'status',
] as const satisfies readonly StationImportField[];

/** What the result card shows, in order (`stationImport.result.<key>`). */
export const STATION_IMPORT_RESULT = ['rows', 'inserted', 'alreadyPresent', 'duplicates', 'rejected'] as const;

/**
 * 导入站点名录: the shared import flow (use-import-wizard.ts) on the register — every row checked
 * as a station typed in would be, the register placed as the file orders it, stations already in
 * the register left as they are.
 */
export function useStationImport(onImported: (created: number) => void) {
  const request = wizardRequest<StationImportField>;
  return useImportWizard<StationImportField, Preview, CommitResult>({
    ns: 'stationImport',
    testId: 'station-import',
    fileTypes: /\.xlsx$/i,
    wrongType: 'notXlsx',
    preview: (r, query) => trpc.stations.import.preview.mutate({ ...request(r), ...query }),
    commit: (r, mode) => trpc.stations.import.commit.mutate({ ...request(r), mode }),
    progress: (progressKey) => trpc.stations.import.progress.query({ progressKey }),
    onCommitted: async (result) => onImported(result.inserted),
  });
}
