import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiToday, addDays } from '@cuntong/server/lib/dates';
import { appSecret } from '@cuntong/server/lib/secrets';
import { QR_LIMITS, qrCheckIn, qrToken, type QrRule } from '@cuntong/server/modules/training/qr-check-in';
import { createHarness, trpcHttp, type Harness } from '../support/harness';
import { refusal } from '../support/refusal';
import { HONGXU } from '../stations/fixture';
import { sessionNowInput } from './course-fixture';

const RULE: QrRule = { tokenSeconds: 30, acceptSeconds: 300, beforeMinutes: 30, afterMinutes: 30 };

describe('training: QR self check-in', () => {
  let h: Harness;
  let staff: ReturnType<Harness['caller']>;
  let now: { id: number };
  let yesterday: { id: number };

  beforeAll(async () => {
    h = await createHarness();
    staff = h.caller((await h.user('staff')).actor);
    const course = await staff.training.courses.create({
      title: '短视频拍摄班', topic: 'short_video', organiser: null, trainers: [], regionCode: HONGXU, stationId: null, venue: null, capacity: null, plannedStart: null, plannedEnd: null, completionMinSessions: null,
    });
    now = await staff.training.sessions.add(sessionNowInput(course.id));
    yesterday = await staff.training.sessions.add({ courseId: course.id, date: addDays(shanghaiToday(), -1), startsAt: '09:00', endsAt: '11:00', venue: null });
  });
  afterAll(() => h.close());

  const key = () => appSecret(h.db, 'training.qr_token');
  const person = { name: '马小芳', mobile: '138 0000 7777' };

  it('a genuine current token checks in once; scanning again says "already checked in"', async () => {
    const { token } = await staff.training.qr.token({ sessionId: now.id });
    const anonymous = h.caller(null);
    expect(await anonymous.training.qr.checkIn({ token, ...person })).toMatchObject({ status: 'checked_in', courseTitle: '短视频拍摄班' });
    expect(await anonymous.training.qr.checkIn({ token, ...person })).toMatchObject({ status: 'already_checked_in' });
    const rows = await h.db.selectFrom('attendance').selectAll().where('session_id', '=', now.id).execute();
    expect(rows).toEqual([expect.objectContaining({ method: 'qr', recorded_by: null })]);
  });

  it('over public HTTP, with no login: a forged, an expired or an out-of-window token is refused and writes nothing', async () => {
    const { token } = await staff.training.qr.token({ sessionId: now.id });
    const [sessionId, slot, signature] = token.split('.');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    const cases: [string, string][] = [
      [`${sessionId}.${slot}.${flipped}`, 'QR_TOKEN_INVALID'], // signature tampered with
      [`${yesterday.id}.${slot}.${signature}`, 'QR_TOKEN_INVALID'], // another session's id on this signature
      ['hello', 'QR_TOKEN_INVALID'],
      [qrToken(await key(), now.id, RULE, Date.now() - 6 * 60_000).token, 'QR_TOKEN_EXPIRED'], // shown six minutes ago
      [qrToken(await key(), yesterday.id, RULE).token, 'CHECK_IN_CLOSED'], // genuine and current, but the session was yesterday
    ];
    for (const [bad, appCode] of cases) {
      const res = await trpcHttp(h.app, 'training.qr.checkIn', { mutation: true, input: { token: bad, name: '路人', mobile: '13900008888' } });
      expect(res.status, bad).toBe(400);
      expect(res.body.error!.data.appCode, bad).toBe(appCode);
    }
    expect(await h.db.selectFrom('trainees').select('id').where('mobile', '=', '13900008888').execute()).toEqual([]);
    const outside = await refusal(h.deps, h.caller(null).training.qr.checkIn({ token: qrToken(await key(), yesterday.id, RULE).token, ...person }));
    expect(outside.message).toBe(`签到已于 ${addDays(shanghaiToday(), -1)} 11:30 截止。`);
  });

  it('a scanned token gives time to type (four minutes later it still works); after acceptSeconds it does not', async () => {
    const earlier = qrToken(await key(), now.id, RULE, Date.now() - 4 * 60_000).token;
    expect(await qrCheckIn(h.deps, '10.0.0.2', { token: earlier, name: '周强', mobile: '13600006666' })).toMatchObject({ status: 'checked_in' });
    const older = qrToken(await key(), now.id, RULE, Date.now() - (RULE.acceptSeconds + RULE.tokenSeconds + 5) * 1000).token;
    await expect(qrCheckIn(h.deps, '10.0.0.2', { token: older, name: '周强', mobile: '13600006666' })).rejects.toMatchObject({ code: 'QR_TOKEN_EXPIRED' });
  });

  it('limits attempts per mobile', async () => {
    const { token } = await staff.training.qr.token({ sessionId: now.id });
    const attempt = () => qrCheckIn(h.deps, '10.0.0.3', { token, name: '吴刚', mobile: '13500005555' });
    for (let i = 0; i < QR_LIMITS.perMobile; i++) await attempt();
    await expect(attempt()).rejects.toMatchObject({ code: 'QR_RATE_LIMITED', kind: 'TOO_MANY_REQUESTS' });
  });
});
