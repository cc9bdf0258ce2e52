/**
 * Times are stored as instants and shown in Asia/Shanghai, whatever the browser's own zone.
 * China has kept UTC+8 without daylight saving since 1991, so a calendar day there starts at
 * `T00:00:00+08:00`.
 */
const SHANGHAI = 'Asia/Shanghai';
const OFFSET = '+08:00';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: SHANGHAI,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function shanghaiParts(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const out = Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

/** "2026-05-04 13:22:01" (Beijing time); empty for no value. Same digits in every UI language. */
export function formatShanghai(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = shanghaiParts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Today's calendar day in Shanghai, "YYYY-MM-DD", whatever the browser's own zone. */
export function shanghaiToday(now = new Date()): string {
  const p = shanghaiParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The year it is now in Shanghai. */
export function shanghaiYear(now = new Date()): number {
  return Number(shanghaiParts(now).year);
}

/** The instant a Shanghai calendar day ("2026-05-04") starts, as ISO with its offset. */
export function shanghaiDayStart(day: string): string {
  return `${day}T00:00:00${OFFSET}`;
}

/** "YYYY-MM-DD" plus n days (plain date arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The calendar day after "YYYY-MM-DD". */
export const nextDay = (day: string): string => addDays(day, 1);

/** The last month that has ended, "YYYY-MM": the one a monthly ranking reports on. */
export function lastCompleteMonth(today: string): string {
  const [y, m] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}
