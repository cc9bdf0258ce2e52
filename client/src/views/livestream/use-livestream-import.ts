import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { computed, ref } from 'vue';
import { trpc, type RouterInputs, type RouterOutputs } from '@/api/trpc';
import { useImportWizard, type WizardRequest } from '@/components/import-wizard/use-import-wizard';
import { PLATFORMS as ALL_PLATFORMS } from './livestream-labels';

type PreviewInput = RouterInputs['livestream']['import']['preview'];
type Preview = RouterOutputs['livestream']['import']['preview'];
type CommitResult = RouterOutputs['livestream']['import']['commit'];
export type ImportRow = Preview['rows']['items'][number];
export type StreamField = Preview['missing'][number];
export type Platform = PreviewInput['platform'];
export type Preset = Preview['preset'];

/** Our fields a column can stand for, in the server's order (stream-import.schemas.ts). */
export const STREAM_FIELDS = [
  'accountId',
  'accountName',
  'startedAt',
  'endedAt',
  'duration',
  'viewers',
  'peakViewers',
  'newFollowers',
  'orders',
  'buyers',
  'gmv',
  'mainProducts',
  'conversionRate',
  'clickRate',
  'clickConversionRate',
  'interactionRate',
  'followRate',
] as const satisfies readonly StreamField[];
export const PRESETS = ['taobao', 'douyin', 'wechat_channels', 'custom'] as const satisfies readonly Preset[];
/** The platforms, those with a header preset first. */
export const PLATFORMS = [...PRESETS.filter((p) => p !== 'custom'), ...ALL_PLATFORMS.filter((p) => !(PRESETS as readonly string[]).includes(p))] as Platform[];
export const HOSTS_KEY = 'livestream-import-hosts';

const presetFor = (platform: Platform): Preset => (platform === 'taobao' || platform === 'douyin' || platform === 'wechat_channels' ? platform : 'custom');

/**
 * 导入直播数据: the shared import flow (use-import-wizard.ts, .xlsx or .csv) plus what is the
 * platform's own — the platform (its export's column names are the preset), for exports of one
 * account the host, and for times without a year the export's year. The rows wait until every
 * required column is mapped and each row can find its host.
 */
export function useLivestreamImport() {
  const queryClient = useQueryClient();

  const platform = ref<Platform>('douyin');
  const preset = ref<Preset>('douyin');
  const hostId = ref<number | null>(null);
  const exportYear = ref<number>(new Date().getFullYear());
  /** The year is sent for 视频号 (its times have none) or once the user has chosen one. */
  const yearTouched = ref(false);

  const hosts = useQuery({ queryKey: [HOSTS_KEY], queryFn: () => trpc.livestream.import.hosts.query({}) });
  const hostOptions = computed(() => hosts.data.value?.items ?? []);

  const base = ({ file, progressKey, mapping, sheet }: WizardRequest<StreamField>) => ({
    fileBase64: file.base64,
    progressKey,
    fileName: file.name,
    platform: platform.value,
    preset: preset.value,
    ...(hostId.value !== null ? { hostId: hostId.value } : {}),
    ...(platform.value === 'wechat_channels' || yearTouched.value ? { exportYear: exportYear.value } : {}),
    ...(mapping ? { mapping: mapping as NonNullable<PreviewInput['mapping']> } : {}),
    ...(sheet ? { sheet } : {}),
  });

  const wizard = useImportWizard<StreamField, Preview, CommitResult>({
    ns: 'livestreamImport',
    testId: 'livestream-import',
    fileTypes: /\.(xlsx|csv)$/i,
    wrongType: 'wrongType',
    preview: (request, query) => trpc.livestream.import.preview.mutate({ ...base(request), ...query }),
    commit: (request, mode) => trpc.livestream.import.commit.mutate({ ...base(request), mode }),
    progress: (progressKey) => trpc.livestream.import.progress.query({ progressKey }),
    ready: (preview) => !preview.missing.length && !preview.hostNeeded,
    onCommitted: () => queryClient.invalidateQueries({ predicate: (q) => String(q.queryKey[0] ?? '').startsWith('livestream') }),
  });

  function setPlatform(value: Platform): void {
    platform.value = value;
    preset.value = presetFor(value);
    wizard.restart({ guessMapping: true });
  }
  function setPreset(value: Preset): void {
    preset.value = value;
    wizard.restart({ guessMapping: true });
  }
  function setHost(value: number | null): void {
    hostId.value = value;
    wizard.restart();
  }
  function setYear(value: number | null | undefined): void {
    if (!value) return;
    exportYear.value = value;
    yearTouched.value = true;
    wizard.restart();
  }

  return {
    wizard,
    platform,
    setPlatform,
    preset,
    setPreset,
    hostId,
    setHost,
    hostOptions,
    hostsLoading: hosts.isLoading,
    exportYear,
    setYear,
    showYear: computed(() => platform.value === 'wechat_channels' || !!wizard.preview.value?.yearNeeded),
  };
}
