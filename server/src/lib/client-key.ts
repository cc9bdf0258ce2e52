import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/types';
import { conflict } from './app-error';

/**
 * The idempotency key a phone's outbox makes for each queued write (crypto.randomUUID) and sends
 * with every try. Optional: a caller without one is served as before.
 */
export const clientKeySchema = z.uuid().optional();

/**
 * Run `write` once per (user, key): the first call records what it answered in `client_keys`, in
 * the caller's transaction, so the write and the record commit or vanish together; a replay of the
 * key (the phone never heard the answer, or sent its queue twice) writes nothing and answers the
 * first result again, as JSON (dates come back as ISO strings). Two tries at once: the second one's
 * insert waits on the first's row and then reads its answer. A refusal records nothing, so a
 * replay is judged again. `kind` names the write; the same key on another kind is refused.
 */
export async function onceByClientKey<T>(
  trx: Kysely<Database>,
  actor: { id: number },
  kind: string,
  key: string | undefined,
  write: () => Promise<T>,
): Promise<{ value: T; replay: boolean }> {
  if (!key) return { value: await write(), replay: false };
  const claimed = await trx
    .insertInto('client_keys')
    .values({ user_id: actor.id, key, kind, result: null })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    const first = await trx.selectFrom('client_keys').select(['kind', 'result']).where('user_id', '=', actor.id).where('key', '=', key).executeTakeFirstOrThrow();
    if (first.kind !== kind) throw conflict('CLIENT_KEY_REUSED');
    return { value: first.result as T, replay: true };
  }
  const value = await write();
  await trx
    .updateTable('client_keys')
    .set({ result: JSON.stringify(value ?? null) })
    .where('user_id', '=', actor.id)
    .where('key', '=', key)
    .execute();
  return { value, replay: false };
}
