import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { downloadBase64 } from '@/utils/file-base64';
import { toast } from '@/utils/toast';

export interface ExportColumn {
  key: string;
  header: string;
  labels?: Record<string, string>;
}

export interface ExportResult {
  filename: string;
  contentBase64: string;
  rows: number;
}

/** Ask the server for the workbook of the filtered rows and hand it to the browser as a download. */
export function useExport(run: (columns: ExportColumn[]) => Promise<ExportResult>) {
  const { t } = useI18n();
  const exporting = ref(false);

  async function exportRows(columns: ExportColumn[]) {
    exporting.value = true;
    try {
      const result = await run(columns);
      downloadBase64(result.filename, result.contentBase64);
      toast('success', t('common.export.done', { rows: result.rows }));
    } catch (error) {
      toast('error', errorMessage(error));
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, exportRows };
}
