import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { NO_LEDGER_FIGURES } from '@cuntong/server/modules/stations/stations.schemas';
import { fenToYuan, formatYuan, yuanToFen } from '../../client/src/utils/money';
import { emptyForm, formFromFigures, toPayload, type LedgerUpsertPayload } from '../../client/src/views/stations/ledger-fields';
import { addDays, lastCompleteMonth, shanghaiToday } from '../../client/src/utils/shanghai-time';
import { createOutbox, isTransientFailure, openOutboxDb, retryDelay, type OutboxSender } from '../../client/src/outbox/outbox';
import { keepMine, LEDGER_KIND, ledgerSlot, parseLegacyOutbox } from '../../client/src/views/stations/ledger-outbox';

const figures = NO_LEDGER_FIGURES;
const entry = (stationId: number, date: string, more: Partial<LedgerUpsertPayload> = {}): LedgerUpsertPayload => ({
  ...figures,
  stationId,
  date,
  note: null,
  ...more,
});

describe('money typed in yuan', () => {
  it('0.1 + 0.2 yuan entered separately is exactly 30 fen, shown as 0.30', () => {
    expect(yuanToFen('0.1')! + yuanToFen('0.2')!).toBe(30);
    expect(fenToYuan(30)).toBe('0.30');
    expect((0.1 + 0.2) * 100).not.toBe(30); // why the conversion goes through strings
  });

  it('reads what people type and refuses the rest', () => {
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('1,234.07')).toBe(123407);
    expect(yuanToFen('')).toBe(0);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
    expect(formatYuan(123456789)).toBe('1,234,567.89');
  });
});

describe('the ledger form', () => {
  it('turns the boxes into integers and fen, with the version of the entry edited', () => {
    const form = { ...emptyForm(), parcelsIn: '12', salesAmountFen: '0.1', incomeOtherFen: '0.2', note: '  停电半天 ' };
    const { payload, errors } = toPayload(form, { stationId: 7, date: '2026-11-27', version: 3 });
    expect(errors).toBeNull();
    expect(payload).toEqual(entry(7, '2026-11-27', { parcelsIn: 12, salesAmountFen: 10, incomeOtherFen: 20, note: '停电半天', version: 3 }));
    expect(payload!.salesAmountFen + payload!.incomeOtherFen).toBe(30);
    // a new day sends no version at all
    expect(toPayload(emptyForm(), { stationId: 7, date: '2026-11-28' }).payload).not.toHaveProperty('version');
  });

  it('names every box that is wrong, with a message key', () => {
    const form = { ...emptyForm(), parcelsIn: '1.5', purchaseAmountFen: '3.333', villagersServed: '100001' };
    const { payload, errors } = toPayload(form, { stationId: 7, date: '2026-11-27' });
    expect(payload).toBeNull();
    expect(errors).toEqual({
      parcelsIn: 'ledger.validation.count',
      purchaseAmountFen: 'ledger.validation.amount',
      villagersServed: 'ledger.validation.countTooLarge',
    });
  });

  it('shows a stored entry in yuan with two decimals', () => {
    const form = formFromFigures({ ...figures, salesAmountFen: 30, parcelsIn: 4, note: null });
    expect(form.salesAmountFen).toBe('0.30');
    expect(form.parcelsIn).toBe('4');
    expect(form.note).toBe('');
  });

  it('counts days in Shanghai', () => {
    expect(shanghaiToday(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28');
    expect(shanghaiToday(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(lastCompleteMonth('2026-01-15')).toBe('2025-12');
  });
});

/** The server as the outbox meets it: records what arrives, answers or fails as told. */
function fakeServer() {
  const arrived: { key: string; payload: LedgerUpsertPayload }[] = [];
  let down = false;
  let refuse: ((p: LedgerUpsertPayload) => unknown) | null = null;
  let version = 1;
  const sender: OutboxSender<LedgerUpsertPayload, { version: number }> = {
    async send(payload, key) {
      if (down) throw new TypeError('Failed to fetch');
      const refusal = refuse?.(payload);
      if (refusal) throw refusal;
      arrived.push({ key, payload });
      return { version: ++version };
    },
    conflict: (error) => ((error as { data?: { appCode?: string } }).data?.appCode === 'LEDGER_VERSION_CONFLICT' ? { ...figures, parcelsIn: 99, version: 7 } : undefined),
    follow: (next, sent) => ({ ...next, version: sent.version }),
  };
  return {
    arrived,
    sender,
    setDown: (v: boolean) => (down = v),
    setRefuse: (f: typeof refuse) => (refuse = f),
  };
}

let dbCount = 0;
/** Whether the browser says it is online; the entries below are queued with it off, then sent by hand. */
const net = { online: false };
async function outboxOn(server: ReturnType<typeof fakeServer>, name = `outbox-${++dbCount}`) {
  net.online = false;
  const outbox = createOutbox({
    db: openOutboxDb(name),
    senders: new Map([[LEDGER_KIND, server.sender]]),
    describe: (e) => (e as { message?: string }).message ?? 'refused',
    online: () => net.online,
    // no retry fires by itself during a test: the tests flush by hand
    retry: { baseMs: 60_000, maxMs: 60_000 },
  });
  await outbox.setUser(1);
  return { outbox, name };
}
async function queueDay(outbox: Awaited<ReturnType<typeof outboxOn>>['outbox'], payload: LedgerUpsertPayload, key?: string) {
  await outbox.queue(LEDGER_KIND, payload, { slot: ledgerSlot(payload.stationId, payload.date), label: payload.date, key });
  outbox.stop(); // no send of its own: the tests flush by hand
}

describe('the outbox (IndexedDB), as the ledger uses it', () => {
  it('keeps one entry per station and day, the latest save winning, and sends them oldest first, each with its own key', async () => {
    const server = fakeServer();
    const { outbox } = await outboxOn(server);
    await queueDay(outbox, entry(1, '2026-11-27', { parcelsIn: 1 }));
    await queueDay(outbox, entry(2, '2026-11-27'));
    await queueDay(outbox, entry(1, '2026-11-27', { parcelsIn: 5 }));
    const waiting = await outbox.list();
    expect(waiting.map((e) => [e.payload as LedgerUpsertPayload].map((p) => `${p.stationId}:${p.parcelsIn}`)[0])).toEqual(['2:0', '1:5']);
    expect(new Set(waiting.map((e) => e.key)).size).toBe(2);
    expect(waiting[0].key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    net.online = true;
    expect(await outbox.flush()).toBe(2);
    expect(server.arrived.map((a) => [a.payload.stationId, a.payload.parcelsIn])).toEqual([
      [2, 0],
      [1, 5],
    ]);
    expect(server.arrived.map((a) => a.key)).toEqual(waiting.map((e) => e.key));
    expect(await outbox.list()).toEqual([]);
  });

  it('survives a reload, keeps the key it was first tried with through every failure, and stops at the first network failure', async () => {
    const server = fakeServer();
    const { outbox, name } = await outboxOn(server);
    server.setDown(true);
    await queueDay(outbox, entry(1, '2026-11-26'), 'a0a0a0a0-0000-4000-8000-000000000001');
    await queueDay(outbox, entry(1, '2026-11-27'));
    net.online = true;
    expect(await outbox.flush()).toBe(0);
    expect(await outbox.flush()).toBe(0);
    const [first, second] = await outbox.list();
    expect(first.attempts).toBe(2);
    expect(second.attempts).toBe(0); // not tried: the network was down
    // a new page (the same database): the entries are there, and go once the network is back
    const again = await outboxOn(server, name);
    server.setDown(false);
    net.online = true;
    expect(await again.outbox.flush()).toBe(2);
    expect(server.arrived.map((a) => a.key)).toEqual(['a0a0a0a0-0000-4000-8000-000000000001', second.key]);
    // flushed twice at once (two tabs, a timer and the online event): each arrives once
    net.online = false;
    await queueDay(again.outbox, entry(3, '2026-11-27'));
    net.online = true;
    await Promise.all([again.outbox.flush(), again.outbox.flush(), outbox.flush()]);
    expect(server.arrived.filter((a) => a.payload.stationId === 3).length).toBeGreaterThanOrEqual(1);
    expect(new Set(server.arrived.filter((a) => a.payload.stationId === 3).map((a) => a.key)).size).toBe(1);
    expect(retryDelay(1)).toBe(2_000);
    expect(retryDelay(4)).toBe(16_000);
    expect(retryDelay(10)).toBe(60_000);
  });

  it('an entry the server refused is kept for the user, not sent again; the rest still go', async () => {
    const server = fakeServer();
    const { outbox } = await outboxOn(server);
    server.setRefuse((p) => (p.stationId === 1 ? { message: '已锁定', data: { appCode: 'LEDGER_LOCKED', httpStatus: 403 } } : null));
    await queueDay(outbox, entry(1, '2026-11-20'));
    await queueDay(outbox, entry(2, '2026-11-27'));
    net.online = true;
    expect(await outbox.flush()).toBe(1);
    const [refused] = await outbox.list();
    expect(refused).toMatchObject({ state: 'refused', error: '已锁定' });
    net.online = true;
    expect(await outbox.flush()).toBe(0);
    expect(server.arrived).toHaveLength(1);
  });

  it('an edit that meets a newer one on the server is kept as a conflict with both sides; keeping mine resends it on their version', async () => {
    const server = fakeServer();
    const { outbox } = await outboxOn(server);
    server.setRefuse((p) => (p.version === 1 ? { message: '已被他人修改', data: { appCode: 'LEDGER_VERSION_CONFLICT', httpStatus: 409 } } : null));
    await queueDay(outbox, entry(1, '2026-11-27', { parcelsIn: 4, version: 1 }));
    net.online = true;
    expect(await outbox.flush()).toBe(0);
    const [conflict] = await outbox.list();
    expect(conflict).toMatchObject({ state: 'conflict', payload: { parcelsIn: 4, version: 1 }, theirs: { parcelsIn: 99, version: 7 } });
    expect(server.arrived).toEqual([]);
    await outbox.resend(conflict.seq, keepMine(conflict.payload as LedgerUpsertPayload, conflict.theirs as { version: number }));
    net.online = true;
    expect(await outbox.flush()).toBe(1);
    expect(server.arrived[0].payload).toMatchObject({ parcelsIn: 4, version: 7 });
  });

  it('a save made while an earlier one of the same day is in flight waits behind it and edits the version it produced', async () => {
    const server = fakeServer();
    const { outbox } = await outboxOn(server);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const send = server.sender.send;
    server.sender.send = async (p, k) => {
      if (p.parcelsIn === 1) await gate;
      return send(p, k);
    };
    await queueDay(outbox, entry(1, '2026-11-27', { parcelsIn: 1, version: 3 }));
    net.online = true;
    const flushing = outbox.flush();
    await new Promise((r) => setTimeout(r, 20));
    await queueDay(outbox, entry(1, '2026-11-27', { parcelsIn: 2, version: 3 }));
    release();
    await flushing;
    await outbox.flush();
    expect(server.arrived.map((a) => [a.payload.parcelsIn, a.payload.version])).toEqual([
      [1, 3],
      [2, 2],
    ]);
  });

  it('moves what an earlier version kept in localStorage, oldest first, and nothing from a damaged value', () => {
    const items = [
      { key: '3:2026-11-26', payload: entry(3, '2026-11-26', { salesAmountFen: 30 }), queuedAt: 'b', refused: null },
      { key: '3:2026-11-25', payload: entry(3, '2026-11-25'), queuedAt: 'a', refused: null },
    ];
    expect(parseLegacyOutbox(JSON.stringify(items)).map((i) => i.payload.date)).toEqual(['2026-11-25', '2026-11-26']);
    expect(parseLegacyOutbox(null)).toEqual([]);
    expect(parseLegacyOutbox('{not json')).toEqual([]);
    expect(parseLegacyOutbox('[{"key":1}]')).toEqual([]);
  });

  it('keeps a save to retry only when the server never answered it or was too busy to', () => {
    expect(isTransientFailure(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransientFailure({ data: null })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'INTERNAL', httpStatus: 500 } })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'RATE_LIMITED', httpStatus: 429 } })).toBe(true);
    expect(isTransientFailure({ data: { appCode: 'LEDGER_VERSION_CONFLICT', httpStatus: 409 } })).toBe(false);
    expect(isTransientFailure({ data: { appCode: 'LEDGER_LOCKED', httpStatus: 403 } })).toBe(false);
  });
});
