import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import { isoDate, likePattern, offsetOf } from '../../lib/list';
import { toStorableText } from '../../lib/schema';
import type { auditListInput } from './audit.schemas';

/** Who did it. Users act through the API; `system` covers boot, seeds and jobs. */
export interface AuditWho {
  id: number | null;
  loginName: string | null;
  ip: string | null;
}

export interface AuditEntry {
  entity: string;
  entityId: string | number | null;
  action: string;
  before?: unknown;
  after?: unknown;
}

const SECRET_KEYS = new Set(['password', 'password_hash', 'passwordHash', 'newPassword', 'currentPassword', 'id_card_number']);

function redact(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return storable(JSON.parse(JSON.stringify(value, (key, v) => (SECRET_KEYS.has(key) ? '[redacted]' : v))));
}

/**
 * Strings and keys as a jsonb column takes them: a NUL or a lone surrogate (which inputs may not
 * carry, but a row read from a file or an older record might) becomes U+FFFD, so the audit row, and
 * with it the write it records, never fails on them.
 */
function storable(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), storable(v)]));
  }
  return value;
}

/**
 * Record one write. Call it with the same transaction as the write, so the audit row exists if and
 * only if the write does.
 */
export async function recordAudit(trx: Kysely<Database>, who: AuditWho, entry: AuditEntry): Promise<void> {
  const before = redact(entry.before);
  const after = redact(entry.after);
  await trx
    .insertInto('audit_log')
    .values({
      actor_user_id: who.id,
      actor_login: who.loginName,
      ip: who.ip,
      entity: entry.entity,
      entity_id: entry.entityId === null ? null : toStorableText(String(entry.entityId)),
      action: entry.action,
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    })
    .execute();
}

export async function listAudit(db: Db, input: z.output<typeof auditListInput>) {
  const f = input.filter ?? {};
  const base = db
    .selectFrom('audit_log')
    .$if(f.actorUserId !== undefined, (q) => q.where('actor_user_id', '=', f.actorUserId!))
    .$if(!!f.entity, (q) => q.where('entity', '=', f.entity!))
    .$if(!!f.entityId, (q) => q.where('entity_id', '=', f.entityId!))
    .$if(!!f.action, (q) => q.where('action', '=', f.action!))
    .$if(!!f.from, (q) => q.where('at', '>=', new Date(f.from!)))
    .$if(!!f.to, (q) => q.where('at', '<', new Date(f.to!)))
    .$if(!!f.q, (q) => q.where('actor_login', 'ilike', likePattern(f.q!)));
  const sort = input.sort ?? { key: 'at', order: 'desc' };
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy(sort.key, sort.order).orderBy('id', 'desc').limit(input.pageSize).offset(offsetOf(input)).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      at: isoDate(r.at)!,
      actorUserId: r.actor_user_id,
      actorLogin: r.actor_login,
      entity: r.entity,
      entityId: r.entity_id,
      action: r.action,
      before: r.before,
      after: r.after,
      ip: r.ip,
    })),
  };
}

export async function auditFacets(db: Db): Promise<{ entities: string[]; actions: string[] }> {
  const [entities, actions] = await Promise.all([
    db.selectFrom('audit_log').select('entity').distinct().orderBy('entity').execute(),
    db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute(),
  ]);
  return { entities: entities.map((r) => r.entity), actions: actions.map((r) => r.action) };
}
