import { useQuery, useQueryClient } from '@tanstack/vue-query';
import { addDays, shanghaiToday } from '@/utils/shanghai-time';
import { computed, reactive, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/errors';
import { isApiError, trpc, type RouterOutputs } from '@/api/trpc';
import { isTransientFailure } from '@/outbox/outbox';
import { newClientKey } from '@/utils/client-key';
import { useOutboxStore } from '@/stores/use-outbox-store';
import { toast } from '@/utils/toast';
import { emptyForm, FIGURE_FIELDS, figureText, formFromFigures, isMoney, SECTIONS, toPayload, type FigureField, type LedgerFigures, type LedgerUpsertPayload } from './ledger-fields';
import { keepMine, LEDGER_KIND, ledgerSlot } from './ledger-outbox';
import { useStationPicker } from './use-station-picker';

type LedgerDay = RouterOutputs['stations']['ledger']['day'];
type Queued = ReturnType<ReturnType<typeof useOutboxStore>['inSlot']> & {};

/** Operators write the last 7 days (today included); the server says the same and decides. */
const OPERATOR_DAYS = 7;

/**
 * The phone ledger form: one station, one day, every figure on one screen with the previous
 * entry's figure beside it. A save that cannot reach the server goes to the outbox (with the key it
 * was first tried with) and is sent when the network is back; a concurrent edit is shown with a way
 * to load the latest figures, and one met by a queued save is shown beside it for the user to choose.
 */
export function useLedgerForm() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const outbox = useOutboxStore();
  const picker = useStationPicker();
  const { stationId } = picker;

  const today = ref(shanghaiToday());
  const date = ref(today.value);
  const earliest = computed(() => (picker.isOperator.value ? addDays(today.value, -(OPERATOR_DAYS - 1)) : '2000-01-01'));
  const disabledDate = (d: Date) => {
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return day > today.value || day < earliest.value;
  };
  const canGoBack = computed(() => date.value > earliest.value);
  const canGoForward = computed(() => date.value < today.value);
  const shiftDay = (n: number) => {
    const next = addDays(date.value, n);
    if (next <= today.value && next >= earliest.value) date.value = next;
  };

  const dayKey = computed(() => ['stations.ledger.day', stationId.value, date.value] as const);
  const day = useQuery({
    queryKey: dayKey,
    queryFn: () => trpc.stations.ledger.day.query({ stationId: stationId.value!, date: date.value }),
    enabled: computed(() => stationId.value !== null),
    staleTime: 0,
    retry: false,
  });

  const form = reactive(emptyForm());
  const errors = reactive<Partial<Record<FigureField, string>>>({});
  /** The version of the entry the form shows; absent for a new day. */
  const version = ref<number | undefined>();
  const conflict = ref<string | null>(null);
  const saveError = ref<string | null>(null);
  const saving = ref(false);

  const waiting = computed(() => (stationId.value === null ? null : outbox.inSlot(ledgerSlot(stationId.value, date.value))));
  /** What waits in the outbox for the ledger, on this page. */
  const queued = computed(() => outbox.entries.filter((e) => e.kind === LEDGER_KIND));

  /** Fill the form: a save still waiting to be sent first (it is the newest), else the stored entry. */
  function fill(data: LedgerDay | undefined): void {
    for (const key of Object.keys(errors) as FigureField[]) delete errors[key];
    conflict.value = saveError.value = null;
    const pending = waiting.value;
    if (pending) {
      const payload = pending.payload as LedgerUpsertPayload;
      Object.assign(form, formFromFigures(payload));
      version.value = payload.version;
    } else if (data?.entry) {
      Object.assign(form, formFromFigures(data.entry));
      version.value = data.entry.version;
    } else {
      Object.assign(form, emptyForm());
      version.value = undefined;
    }
  }
  // a new station or day: what is cached for it (or nothing) until its answer comes
  watch(dayKey, (key) => fill(queryClient.getQueryData<LedgerDay>([...key])));
  watch(
    () => day.data.value,
    (data) => fill(data),
    { immediate: true },
  );

  const previous = computed(() => day.data.value?.previous ?? null);
  /** "昨" when the previous entry is yesterday's, else its date ("11-25"). */
  const previousTag = computed(() => {
    const p = previous.value;
    if (!p) return '';
    return p.date === addDays(date.value, -1) ? t('ledger.previous.yesterday') : p.date.slice(5);
  });
  const previousText = (field: FigureField) => (previous.value ? figureText(field, previous.value[field]) : '');
  const dayError = computed(() => (day.error.value ? errorMessage(day.error.value) : null));

  async function queue(payload: LedgerUpsertPayload, key?: string): Promise<void> {
    const label = `${payload.date} · ${picker.stationLabel(payload.stationId)}`;
    await outbox.queue(LEDGER_KIND, payload, { slot: ledgerSlot(payload.stationId, payload.date), label, key });
    toast('warning', t('ledger.outbox.queued'));
  }

  async function save(): Promise<void> {
    if (saving.value) return;
    if (stationId.value === null) {
      toast('warning', t('ledger.validation.station'));
      return;
    }
    const result = toPayload(form, { stationId: stationId.value, date: date.value, version: version.value });
    for (const key of Object.keys(errors) as FigureField[]) delete errors[key];
    conflict.value = saveError.value = null;
    if (result.errors) {
      Object.assign(errors, result.errors);
      toast('warning', t('ledger.validation.fix'));
      return;
    }
    const payload = result.payload;
    if (!navigator.onLine) return queue(payload);
    saving.value = true;
    // the key goes with the first try too: if its answer is lost, the outbox's resend is not a second write
    const clientKey = newClientKey();
    try {
      const entry = await trpc.stations.ledger.upsert.mutate({ ...payload, clientKey });
      if (waiting.value) await outbox.discard(waiting.value.seq);
      queryClient.setQueryData(['stations.ledger.day', payload.stationId, payload.date], (old: LedgerDay | undefined) =>
        old ? { ...old, entry } : old,
      );
      version.value = entry.version;
      toast('success', t('ledger.saved', { date: payload.date }));
    } catch (error) {
      if (isTransientFailure(error)) await queue(payload, clientKey);
      else if (isApiError(error) && error.data?.appCode === 'LEDGER_VERSION_CONFLICT') conflict.value = errorMessage(error);
      else saveError.value = errorMessage(error);
    } finally {
      saving.value = false;
    }
  }

  /** After a concurrent edit: drop what this device holds for the day and show the stored figures. */
  async function reload(): Promise<void> {
    if (waiting.value) await outbox.discard(waiting.value.seq);
    conflict.value = null;
    const { data } = await day.refetch();
    fill(data);
  }

  // ---- a queued save that met someone else's edit: both shown, the user chooses ----------------
  /** The figures where the queued save and the server's entry differ: [field, mine, theirs]. */
  function differences(entry: Queued): { field: FigureField; mine: string; theirs: string }[] {
    const mine = entry.payload as LedgerUpsertPayload;
    const theirs = entry.theirs as LedgerFigures | null;
    return FIGURE_FIELDS.filter((f) => !theirs || mine[f] !== theirs[f]).map((f) => ({ field: f, mine: figureText(f, mine[f]), theirs: theirs ? figureText(f, theirs[f]) : '—' }));
  }
  /** Mine: sent again as an edit of the server's version (it then replaces theirs, knowingly). */
  const keepQueued = (entry: Queued) => outbox.resend(entry.seq, keepMine(entry.payload as LedgerUpsertPayload, entry.theirs as { version: number } | null));
  /** Theirs: this device's save is dropped; the form shows the server's figures. */
  async function takeServers(entry: Queued): Promise<void> {
    await outbox.discard(entry.seq);
    await queryClient.invalidateQueries({ queryKey: ['stations.ledger.day'] });
  }

  /** Enter moves to the next box; on the last one it saves. */
  function nextField(event: Event): void {
    const boxes = [...document.querySelectorAll<HTMLInputElement>('[data-ledger-box]')];
    const at = boxes.indexOf(event.target as HTMLInputElement);
    if (at >= 0 && at < boxes.length - 1) boxes[at + 1].focus();
    else void save();
  }

  return {
    t,
    picker,
    stationId,
    date,
    disabledDate,
    canGoBack,
    canGoForward,
    shiftDay,
    loadingDay: computed(() => day.isFetching.value),
    dayError,
    editing: computed(() => version.value !== undefined),
    sections: SECTIONS,
    isMoney,
    form,
    errors,
    previous,
    previousTag,
    previousText,
    waiting,
    conflict,
    saveError,
    saving,
    save,
    reload,
    nextField,
    outbox,
    queued,
    differences,
    keepQueued,
    takeServers,
  };
}
