import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
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
      const bytes = Uint8Array.from(atob(result.contentBase64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = result.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast('success', t('common.export.done', { rows: result.rows }));
    } catch (error) {
      toast('error', errorMessage(error));
    } finally {
      exporting.value = false;
    }
  }

  return { exporting, exportRows };
}
