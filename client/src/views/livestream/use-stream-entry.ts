import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/vue-query';
import type { FormInstance, FormItemRule, FormRules } from 'element-plus';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { trpc, type RouterOutputs } from '@/api/trpc';
import { isTransientFailure } from '@/outbox/outbox';
import { newClientKey } from '@/utils/client-key';
import { useOutboxStore } from '@/stores/use-outbox-store';
import { fenToYuan, yuanToFen } from '@/utils/money';
import { formatShanghai, shanghaiToday } from '@/utils/shanghai-time';
import { toast } from '@/utils/toast';
import { HOST_KEY, HOSTS_KEY, STREAMS_KEY, useLivestreamLabels, type Platform } from './livestream-labels';
import { STREAM_KIND, type NewStream } from './stream-sender';

type Saved = RouterOutputs['livestream']['streams']['create'];
type Stream = RouterOutputs['livestream']['streams']['get'];

/** The counts a stream has; typed as text on the phone, blank when the platform did not say. */
const COUNTS = ['viewers', 'peakViewers', 'newFollowers', 'orders', 'buyers'] as const;
type CountKey = (typeof COUNTS)[number];

interface EntryForm extends Record<CountKey, string> {
  hostId: number | undefined;
  platform: Platform | '';
  startDate: string;
  startTime: string;
  durationMinutes: string;
  gmvYuan: string;
  farmProducts: boolean;
  mainProducts: string;
}

const WHOLE = /^\s*\d{1,10}\s*$/;
const count = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));

/**
 * Typing one stream on a phone: host (searched by name or mobile tail), platform, start, minutes,
 * the figures from the platform's screen, GMV in yuan. Sending it twice (a double tap, a retry on
 * a weak signal) is harmless: the server answers that it exists. Without a signal the stream waits
 * in the outbox and is sent, once, when the network is back. With a stream id in the route, the
 * same form corrects that stream.
 */
export function useStreamEntry() {
  const { t } = useI18n();
  const route = useRoute();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labels = useLivestreamLabels();

  const formRef = ref<FormInstance>();
  const blank = (): EntryForm => ({
    hostId: undefined,
    platform: '',
    startDate: shanghaiToday(),
    startTime: '',
    durationMinutes: '',
    viewers: '',
    peakViewers: '',
    newFollowers: '',
    orders: '',
    buyers: '',
    gmvYuan: '',
    farmProducts: false,
    mainProducts: '',
  });
  const form = reactive<EntryForm>(blank());
  const queryHost = typeof route.query.hostId === 'string' && /^\d+$/.test(route.query.hostId) ? Number(route.query.hostId) : undefined;
  form.hostId = queryHost;
  const editId = typeof route.params.id === 'string' && /^\d+$/.test(route.params.id) ? Number(route.params.id) : undefined;
  const loaded = useQuery({
    queryKey: ['livestream.streams.get', editId],
    queryFn: () => trpc.livestream.streams.get.query({ id: editId! }),
    enabled: editId !== undefined,
    staleTime: 0,
    gcTime: 0,
  });
  const fill = (stream: Stream) => {
    const [date, time] = formatShanghai(stream.startedAt).split(' ');
    const text = (n: number | null) => (n === null ? '' : String(n));
    Object.assign(form, {
      hostId: stream.hostId,
      platform: stream.platform,
      startDate: date,
      startTime: time.slice(0, 5),
      durationMinutes: String(Math.round(stream.durationSeconds / 60)),
      viewers: text(stream.viewers),
      peakViewers: text(stream.peakViewers),
      newFollowers: text(stream.newFollowers),
      orders: text(stream.orders),
      buyers: text(stream.buyers),
      gmvYuan: stream.gmvFen === null ? '' : fenToYuan(stream.gmvFen),
      farmProducts: stream.farmProducts,
      mainProducts: stream.mainProducts ?? '',
    });
  };
  watch(() => loaded.data.value, (stream) => stream && fill(stream), { immediate: true });

  /** The host to show by name before any search: from the link, or the stream being corrected. */
  const fromRoute = computed(() => queryHost ?? loaded.data.value?.hostId);

  // the host picker searches the hosts the user may see
  const q = ref('');
  const hosts = useQuery({
    queryKey: computed(() => [HOSTS_KEY, 'stream-entry', q.value]),
    queryFn: () => trpc.livestream.hosts.list.query({ page: 1, pageSize: 20, sort: { key: 'name', order: 'asc' }, filter: q.value ? { q: q.value } : {} }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const preset = useQuery({
    queryKey: computed(() => [HOST_KEY, fromRoute.value]),
    queryFn: () => trpc.livestream.hosts.get.query({ id: fromRoute.value! }),
    enabled: computed(() => fromRoute.value !== undefined),
    staleTime: 60_000,
  });
  const hostOptions = computed(() => {
    const found = (hosts.data.value?.items ?? []).map((h) => ({ value: h.id, label: `${h.name} · ${h.mobile.slice(-4)}`, platforms: h.platforms }));
    const chosen = preset.data.value?.host;
    return chosen && !found.some((o) => o.value === chosen.id) ? [{ value: chosen.id, label: `${chosen.name} · ${chosen.mobile.slice(-4)}`, platforms: chosen.platforms }, ...found] : found;
  });
  // a host with one platform account: that platform
  watch(
    () => [form.hostId, hostOptions.value] as const,
    ([hostId, options]) => {
      const platforms = options.find((o) => o.value === hostId)?.platforms ?? [];
      if (!form.platform && platforms.length === 1) form.platform = platforms[0];
    },
  );

  const whole = (max: number): FormItemRule['validator'] => (_r, value: string, cb) =>
    cb(value.trim() === '' || (WHOLE.test(value) && Number(value) <= max) ? undefined : new Error(t('livestream.entry.wholeNumber')));
  const rules = computed<FormRules<EntryForm>>(() => ({
    hostId: [{ required: true, message: t('livestream.entry.hostRequired'), trigger: 'change' }],
    platform: [{ required: true, message: t('livestream.entry.platformRequired'), trigger: 'change' }],
    startDate: [{ required: true, message: t('livestream.entry.dateRequired'), trigger: 'change' }],
    startTime: [{ required: true, message: t('livestream.entry.timeRequired'), trigger: 'change' }],
    durationMinutes: [
      { required: true, whitespace: true, message: t('livestream.entry.durationRequired'), trigger: 'blur' },
      { validator: whole(2880), trigger: 'blur' },
    ],
    ...Object.fromEntries(COUNTS.map((key) => [key, [{ validator: whole(2_000_000_000), trigger: 'blur' }]])),
    gmvYuan: [{ validator: (_r, value: string, cb) => cb(yuanToFen(value ?? '') === null ? new Error(t('livestream.entry.gmvInvalid')) : undefined), trigger: 'blur' }],
  }));

  const last = ref<Saved | null>(null);
  /** What the outbox holds after a save without a signal (its label), until the next stream. */
  const queued = ref<string | null>(null);
  const outbox = useOutboxStore();
  const fields = (): NewStream => ({
        hostId: form.hostId!,
        platform: form.platform as Platform,
        startDate: form.startDate,
        startTime: form.startTime,
        durationMinutes: Number(form.durationMinutes.trim()),
        viewers: count(form.viewers),
        peakViewers: count(form.peakViewers),
        newFollowers: count(form.newFollowers),
        orders: count(form.orders),
        buyers: count(form.buyers),
        gmvFen: form.gmvYuan.trim() === '' ? null : yuanToFen(form.gmvYuan),
        farmProducts: form.farmProducts,
        mainProducts: form.mainProducts.trim() || null,
      });
  const save = useMutation({
    mutationFn: (request: { input: NewStream; clientKey: string }) => trpc.livestream.streams.create.mutate({ ...request.input, clientKey: request.clientKey }),
    onSuccess: async (result) => {
      last.value = result;
      if (result.status === 'created') toast('success', t('livestream.entry.created'));
      else toast('warning', t('livestream.entry.exists'));
      await queryClient.invalidateQueries({ queryKey: [STREAMS_KEY] });
      await queryClient.invalidateQueries({ queryKey: [HOST_KEY, result.stream.hostId] });
    },
  });
  const update = useMutation({
    mutationFn: () => trpc.livestream.streams.update.mutate({ ...fields(), id: editId! }),
    onSuccess: async (stream) => {
      toast('success', t('livestream.entry.updated'));
      await queryClient.invalidateQueries({ queryKey: [STREAMS_KEY] });
      await queryClient.invalidateQueries({ queryKey: [HOST_KEY, stream.hostId] });
      await router.push({ name: 'livestream-streams' });
    },
  });
  async function submit() {
    if (save.isPending.value || update.isPending.value) return;
    if (!(await formRef.value?.validate().catch(() => false))) return;
    if (editId !== undefined) return update.mutate();
    // the key goes with the first try too: if its answer is lost, the outbox's resend is not a second write
    const input = fields();
    const clientKey = newClientKey();
    if (!navigator.onLine) return queue(input, clientKey);
    try {
      await save.mutateAsync({ input, clientKey });
    } catch (failure) {
      if (!isTransientFailure(failure)) return;
      save.reset();
      await queue(input, clientKey);
    }
  }

  async function queue(input: NewStream, key: string): Promise<void> {
    const host = hostOptions.value.find((o) => o.value === input.hostId)?.label ?? '';
    const label = `${host} · ${input.startDate} ${input.startTime}`;
    await outbox.queue(STREAM_KIND, input, { label, key });
    queued.value = label;
    toast('warning', t('livestream.entry.queued'));
  }
  /** The next stream: same host, platform and day, figures cleared. */
  function another() {
    const keep = { hostId: form.hostId, platform: form.platform, startDate: form.startDate };
    Object.assign(form, blank(), keep);
    last.value = null;
    queued.value = null;
    save.reset();
    formRef.value?.clearValidate();
  }

  return {
    t,
    formRef,
    form,
    rules,
    counts: COUNTS,
    hostOptions,
    hostsLoading: computed(() => hosts.isFetching.value),
    searchHosts: (text: string) => (q.value = text.trim()),
    platformOptions: computed(() => labels.platformOptions()),
    isEdit: editId !== undefined,
    // a stream is recorded after it happened, and none before 2016 (the server refuses both, saying why)
    dayRange: { min: '2016-01-01', max: shanghaiToday() },
    submit,
    saving: computed(() => save.isPending.value || update.isPending.value),
    error: computed(() => {
      const failed = save.error.value ?? update.error.value ?? loaded.error.value;
      return failed ? errorMessage(failed) : null;
    }),
    last,
    queued,
    another,
  };
}
