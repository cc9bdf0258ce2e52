import { computed, reactive } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useServerList } from '@/composables/use-server-list';
import { useTrainingTowns } from '@/views/training/use-training-towns';

type FollowUpInput = RouterInputs['training']['conversion']['followUp']['list'];
type SortKey = NonNullable<FollowUpInput['sort']>['key'];
type ExportKey = RouterInputs['training']['conversion']['followUp']['export']['columns'][number]['key'];
export type FollowUpItem = RouterOutputs['training']['conversion']['followUp']['list']['items'][number];
export type Stage = 30 | 90 | 180;

export const STAGES: Stage[] = [30, 90, 180];

/** 回访名单: trainees by stage since completing, without an outcome; exported as a call list. */
export function useFollowUp() {
  const { t } = useI18n();
  const list = useServerList({
    key: 'training.conversion.followUp.list',
    fetch: (input) => trpc.training.conversion.followUp.list.query(input as FollowUpInput),
    filter: { stage: 30 as Stage, region: '' },
    pageSize: 20,
    sort: { key: 'completedOn' as SortKey, order: 'asc' },
    sortable: { completedOn: 'completedOn', name: 'name', villageName: 'village' },
  });

  const { townOptions } = useTrainingTowns();

  /** A dialable number: digits only, for `tel:`. */
  const telHref = (mobile: string) => `tel:${mobile.replace(/\D/g, '')}`;

  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ExportKey, header: string) => ({ key, header });
    return [
      col('name', t('trainingConversion.followUp.columns.name')),
      col('mobile', t('trainingConversion.followUp.columns.mobile')),
      col('villageName', t('trainingConversion.followUp.columns.village')),
      col('courseTitle', t('trainingConversion.followUp.columns.course')),
      col('regionName', t('trainingConversion.followUp.columns.town')),
      col('completedOn', t('trainingConversion.followUp.columns.completedOn')),
      col('daysSince', t('trainingConversion.followUp.columns.daysSince')),
      col('callResult', t('trainingConversion.followUp.columns.callResult')),
      col('note', t('trainingConversion.followUp.columns.note')),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.training.conversion.followUp.export.mutate({
      list: list.listInput.value as FollowUpInput,
      columns: columns as RouterInputs['training']['conversion']['followUp']['export']['columns'],
      sheetName: t('trainingConversion.followUp.sheetName', { stage: list.filter.stage }).slice(0, 31),
    });

  return {
    t,
    /** The server-side list (rows, pager, sort, error, export) for list-page's `:list`. */
    list: reactive({ ...list, exportColumns, exportRun: runExport }),
    filter: list.filter,
    stages: STAGES,
    townOptions,
    telHref,
  };
}
