import { shanghaiToday } from '@cuntong/server/lib/dates';

/** 西岗镇: a town outside the test coordinators' two (洪绪镇, 南沙河镇). */
export const XIGANG = '370481106000';

/** A course as the create form sends it; a test states only what it is about. */
export function courseInput(regionCode: string, title: string, overrides: { plannedStart?: string; plannedEnd?: string } = {}) {
  return {
    title,
    topic: 'livestream_selling' as const,
    organiser: '滕州市商务局',
    trainers: ['孟老师'],
    regionCode,
    stationId: null,
    venue: '镇政府三楼会议室',
    capacity: 60,
    plannedStart: overrides.plannedStart ?? '2026-11-20',
    plannedEnd: overrides.plannedEnd ?? '2026-11-22',
    completionMinSessions: null,
  };
}

/** Now, as Shanghai wall-clock HH:MM, shifted by some minutes. */
export const shanghaiTime = (shiftMinutes = 0) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + shiftMinutes * 60_000));

/**
 * A session on now (Shanghai): from an hour ago to an hour ahead, or the whole day when that would
 * cross midnight, so its check-in window is open while the test runs.
 */
export function sessionNowInput(courseId: number) {
  const [from, to] = [shanghaiTime(-60), shanghaiTime(60)];
  const [startsAt, endsAt] = from < to ? [from, to] : ['00:00', '23:59'];
  return { courseId, date: shanghaiToday(), startsAt, endsAt, venue: null };
}

/** The trainee a check-in answered with (not a request to confirm a name). */
export function traineeOf<R extends { status: string }>(result: R): Extract<R, { trainee: unknown }>['trainee'] {
  if (!('trainee' in result)) throw new Error(`expected a check-in, got ${JSON.stringify(result)}`);
  return (result as Extract<R, { trainee: unknown }>).trainee;
}
