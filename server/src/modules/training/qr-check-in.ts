import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import { AppError, badRequest, notFound } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { normaliseMobile } from '../../lib/mobile';
import { appSecret } from '../../lib/secrets';
import type { AuditWho } from '../audit/audit.service';
import { ruleAt } from '../../rules/rules.service';
import type { ServiceContext, ServiceDeps } from '../service-context';
import { checkInWindowRule } from './training.rules';
import { attendSession } from './attendance.service';
import { CHECK_IN_WINDOW_RULE, checkInDecision, windowOf, type CheckInWindowRule } from './check-in-window';
import { findOrRegisterTrainee, ID_CARD_KEY } from './registration.service';
import { sessionWithCourse } from './sessions.repository';
import { sessionFor } from './sessions.service';
import { enqueueTrainingRecompute } from './training.recompute';
import type { qrCheckInInput } from './training.schemas';

/** The QR code's token times live in the version of the check-in window rule (check-in-window.ts): one versioned rule. */
export const QR_RULE = CHECK_IN_WINDOW_RULE;
export interface QrRule extends CheckInWindowRule {
  /** The screen shows a new token this often, so a photo of it soon stops working… */
  tokenSeconds: number;
  /** …while a trainee who scanned it has this long to type their name and mobile. */
  acceptSeconds: number;
}
const QR_KEY = 'training.qr_token';
/** Attempts allowed in ten minutes: per address (a hall shares one Wi-Fi), and per mobile. */
export const QR_LIMITS = { perIp: 300, perMobile: 5, windowMinutes: 10 } as const;

function sign(key: Buffer, sessionId: number, slot: number): string {
  return crypto.createHmac('sha256', key).update(`${sessionId}.${slot}`).digest('base64url').slice(0, 22);
}

/** The token for a session at `now`: session id, time slot and a signature over both. */
export function qrToken(key: Buffer, sessionId: number, rule: QrRule, now = Date.now()): { token: string; expiresAt: Date } {
  const slot = Math.floor(now / (rule.tokenSeconds * 1000));
  return { token: `${sessionId}.${slot}.${sign(key, sessionId, slot)}`, expiresAt: new Date((slot + 1) * rule.tokenSeconds * 1000) };
}

/** The session a token is for; a forged token and one shown more than acceptSeconds ago are refused. */
export function verifyQrToken(key: Buffer, token: string, rule: QrRule, now = Date.now()): number {
  const match = /^(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) throw badRequest('QR_TOKEN_INVALID');
  const [sessionId, slot] = [Number(match[1]), Number(match[2])];
  const expected = Buffer.from(sign(key, sessionId, slot));
  if (!crypto.timingSafeEqual(expected, Buffer.from(match[3]))) throw badRequest('QR_TOKEN_INVALID');
  const current = Math.floor(now / (rule.tokenSeconds * 1000));
  if (slot > current) throw badRequest('QR_TOKEN_INVALID');
  const shownUntil = (slot + 1) * rule.tokenSeconds * 1000;
  if (now - shownUntil > rule.acceptSeconds * 1000) throw badRequest('QR_TOKEN_EXPIRED');
  return sessionId;
}

/** Attempts older than a day count for nothing: the training job clears them, off the check-in path. */
export async function purgeQrAttempts(db: Db): Promise<void> {
  await sql`delete from qr_check_in_attempts where at < now() - interval '1 day'`.execute(db);
}

/** For the projector: the current token of a session the actor runs, and when to fetch the next. */
export async function currentQrToken(ctx: ServiceContext, sessionId: number, now = Date.now()) {
  const { db } = ctx;
  await sessionFor(db, ctx.actor, sessionId);
  const rule = (await ruleAt(db, checkInWindowRule, shanghaiToday(new Date(now)))).params;
  const { token, expiresAt } = qrToken(await appSecret(db, QR_KEY), sessionId, rule, now);
  return { token, expiresAt: expiresAt.toISOString(), refreshInMs: Math.max(1000, expiresAt.getTime() - now) };
}

/**
 * A trainee's own check-in from the QR code: public, so it is limited per address and per mobile,
 * takes only a genuine, current token, and only within the session's check-in window. Says which
 * course it checked in to, and nothing about the person already on file. Audited as by 'qr' from
 * the phone's address (no user).
 */
export async function qrCheckIn(deps: ServiceDeps, ip: string, input: z.output<typeof qrCheckInInput>, now = Date.now()) {
  const { db } = deps;
  const mobile = normaliseMobile(input.mobile);
  await db.insertInto('qr_check_in_attempts').values({ ip, mobile }).execute();
  const since = new Date(now - QR_LIMITS.windowMinutes * 60_000);
  const counts = await db
    .selectFrom('qr_check_in_attempts')
    .select([
      (eb) => eb.fn.count<number>('id').filterWhere('ip', '=', ip).as('by_ip'),
      (eb) => eb.fn.count<number>('id').filterWhere('mobile', '=', mobile ?? '').as('by_mobile'),
    ])
    .where('at', '>=', since)
    .where((eb) => eb.or([eb('ip', '=', ip), eb('mobile', '=', mobile ?? '')]))
    .executeTakeFirstOrThrow();
  if (Number(counts.by_ip) > QR_LIMITS.perIp || Number(counts.by_mobile) > QR_LIMITS.perMobile) {
    throw new AppError('QR_RATE_LIMITED', 'TOO_MANY_REQUESTS', { minutes: QR_LIMITS.windowMinutes });
  }

  const today = shanghaiToday(new Date(now));
  const rule = (await ruleAt(db, checkInWindowRule, today)).params;
  const sessionId = verifyQrToken(await appSecret(db, QR_KEY), input.token, rule, now);
  const session = await sessionWithCourse(db).where('cs.id', '=', sessionId).executeTakeFirst();
  if (!session) throw notFound('SESSION_NOT_FOUND');
  if (session.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  checkInDecision(windowOf(session), new Date(now), false);

  const who: AuditWho = { id: null, loginName: 'qr', ip };
  const idKey = await appSecret(db, ID_CARD_KEY);
  const result = await db.transaction().execute(async (trx) => {
    const trainee = await findOrRegisterTrainee(trx, who, { name: input.name, mobile: input.mobile, idCard: null, villageCode: null, tags: [] }, today, idKey);
    return attendSession(trx, who, { sessionId, traineeId: trainee.id, method: 'qr', lateEntry: false });
  });
  if (result.inserted) await enqueueTrainingRecompute(deps);
  return { status: result.inserted ? ('checked_in' as const) : ('already_checked_in' as const), courseTitle: session.title, sessionDate: session.session_date };
}
