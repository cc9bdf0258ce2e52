/** Calendar dates ('YYYY-MM-DD') as the people in the field mean them: in Asia/Shanghai. */
const shanghaiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function shanghaiToday(now = new Date()): string {
  return shanghaiDay.format(now);
}

/** A wall-clock day and time ('HH:MM', or 'HH:MM:SS' of which the seconds are dropped) in Shanghai, as an instant. */
export function shanghaiInstant(day: string, time: string): Date {
  return new Date(`${day}T${time.slice(0, 5)}:00+08:00`);
}

/** The month ('YYYY-MM') an instant falls in, in Shanghai. */
export function shanghaiMonth(at: Date | string | number): string {
  return shanghaiToday(new Date(at)).slice(0, 7);
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export const isoDay = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** 'HH:MM' of minutes after midnight, wrapping past midnight. */
export function clockOfMinutes(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
