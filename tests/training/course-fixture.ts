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
