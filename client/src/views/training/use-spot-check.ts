import { useQuery } from '@tanstack/vue-query';
import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { trpc, type RouterInputs } from '@/api/trpc';
import type { ExportColumn } from '@/components/export-button/use-export';
import { useListModel } from '@/composables/use-server-list';
import { shanghaiToday } from '@/utils/shanghai-time';
import { useTrainingTowns } from '@/views/training/use-training-towns';

type SpotCheckInput = RouterInputs['training']['conversion']['spotCheck']['sample'];
type ExportKey = RouterInputs['training']['conversion']['spotCheck']['export']['columns'][number]['key'];

/** A seed people can read aloud and type again: 8 characters without look-alikes (0/O, 1/l). */
export function randomSeed(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** 抽查样本: the form (period, N, seed) and the sample it last drew. */
export function useSpotCheck() {
  const { t } = useI18n();
  const today = shanghaiToday();
  const form = reactive({ from: `${today.slice(0, 4)}-01-01`, to: today, n: 20, seed: randomSeed(), region: '' });
  const { townOptions } = useTrainingTowns();
  /** The input of the sample shown: set by "generate", so typing does not redraw. */
  const drawn = ref<SpotCheckInput | null>(null);

  const query = useQuery({
    queryKey: computed(() => ['training.conversion.spotCheck.sample', drawn.value]),
    queryFn: () => trpc.training.conversion.spotCheck.sample.query(drawn.value!),
    enabled: computed(() => drawn.value !== null),
  });

  function generate() {
    const seed = form.seed.trim() || randomSeed();
    form.seed = seed;
    drawn.value = { from: form.from, to: form.to, n: form.n, seed, ...(form.region ? { region: form.region } : {}) };
  }
  function newSeed() {
    form.seed = randomSeed();
  }

  const exportColumns = computed<ExportColumn[]>(() => {
    const col = (key: ExportKey, header: string) => ({ key, header });
    return [
      col('name', t('trainingConversion.spotCheck.columns.name')),
      col('mobile', t('trainingConversion.spotCheck.columns.mobile')),
      col('villageName', t('trainingConversion.spotCheck.columns.village')),
      col('courseTitle', t('trainingConversion.spotCheck.columns.course')),
      col('regionName', t('trainingConversion.spotCheck.columns.town')),
      col('completedOn', t('trainingConversion.spotCheck.columns.completedOn')),
      col('traineeId', t('trainingConversion.spotCheck.columns.traineeId')),
    ];
  });
  const runExport = (columns: ExportColumn[]) =>
    trpc.training.conversion.spotCheck.export.mutate({
      list: drawn.value!,
      columns: columns as RouterInputs['training']['conversion']['spotCheck']['export']['columns'],
      sheetName: `${t('trainingConversion.spotCheck.sheetName')} ${drawn.value!.seed}`.slice(0, 31),
    });

  const sample = computed(() => query.data.value ?? null);
  return {
    t,
    form,
    townOptions,
    generate,
    newSeed,
    sample,
    loading: computed(() => query.isFetching.value),
    /** The drawn sample for list-page's `:list`: no pager, the export once there are rows. */
    list: useListModel({
      items: () => sample.value?.items ?? [],
      loading: () => query.isFetching.value,
      error: () => query.error.value,
      reload: () => query.refetch(),
      export: { columns: () => exportColumns.value, run: runExport, shown: () => Boolean(sample.value?.items.length) },
    }),
  };
}
