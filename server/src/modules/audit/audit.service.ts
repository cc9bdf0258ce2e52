import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

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
  return JSON.parse(
    JSON.stringify(value, (key, v) => (SECRET_KEYS.has(key) ? '[redacted]' : v)),
  );
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
      entity_id: entry.entityId === null ? null : String(entry.entityId),
      action: entry.action,
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    })
    .execute();
}
