import type { Db } from '../../db/create-db';
import { COURSE_TOPICS, OUTCOME_KINDS, TRAINEE_TAGS, type CourseTopic, type OutcomeKind, type TraineeTag } from '../../db/types';
import { addDays } from '../../lib/dates';
import { createRandom, type Random } from '../../lib/random';
import { demoSeedStep } from '../module';
import { nameInitials } from './trainee-identity';
import { computeTrainingMetrics } from './training.metrics';

/** The towns of `demo.trainer` (auth.demo.ts): 洪绪镇 holds the class running today. */
const TRAINER_TOWNS = ['370481101000', '370481102000'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶孟殷颜孔褚';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉梅建国海燕红鹏飞婷雪慧晓春东亮成宁波斌凤云庆龙';
const TOPIC_TITLES: Record<CourseTopic, string> = {
  shop_operation: '网店运营实务班',
  livestream_selling: '直播带货实训班',
  short_video: '短视频拍摄与剪辑班',
  product_photos: '农产品摄影美工班',
  farm_produce: '农产品上行与品牌班',
  logistics: '农村物流与仓配班',
  other: '电商创业综合班',
};
const PLATFORMS = ['淘宝', '抖音', '快手', '拼多多', '微信小店'];

export interface DemoTrainingResult {
  created: boolean;
  courses: number;
  trainees: number;
  /** Of them, people registered a second time under another mobile (possible duplicates). */
  duplicates: number;
  attendance: number;
  outcomes: number;
  personTimes: number;
}

interface PlannedCourse {
  title: string;
  topic: CourseTopic;
  regionCode: string;
  days: string[];
  times: [string, string];
  status: 'planned' | 'running' | 'finished';
  enrolled: number[];
}

/** A name as people in the county have them: a common surname and one or two given characters. */
export function personName(random: Random): string {
  const given = random.chance(0.7) ? random.pick([...GIVEN]) + random.pick([...GIVEN]) : random.pick([...GIVEN]);
  return random.pick([...SURNAMES]) + given;
}

/**
 * A year of e-commerce training in the demo county, made the same way from the same seed and day:
 * about 2,400 trainees in its villages, some forty courses since January across the towns with
 * attendance that lands the year a little under the 1,500 person-times target, two classes running
 * today in 洪绪镇 (so check-in and the QR code can be tried at once), a few planned, and outcomes
 * (shops opened, first sales, livestreams…) for part of those who completed.
 */
export async function seedDemoTraining(db: Db, options: { countyCode: string; seed: number; today: string }): Promise<DemoTrainingResult> {
  const none = { created: false, courses: 0, trainees: 0, duplicates: 0, attendance: 0, outcomes: 0, personTimes: 0 };
  if (await db.selectFrom('courses').select('id').limit(1).executeTakeFirst()) return none;
  const random = createRandom(options.seed * 31 + 5);
  const prefix = options.countyCode.slice(0, 6);
  const towns = (await db.selectFrom('regions').select('code').where('parent_code', '=', options.countyCode).where('level', '=', 'town').orderBy('code').execute()).map((t) => t.code);
  const villages = await db.selectFrom('regions').select(['code', 'parent_code']).where('level', '=', 'village').where('code', 'like', `${prefix}%`).orderBy('code').execute();
  if (!towns.length || !villages.length) return none;

  // trainees: one mobile each, living in the county's villages
  const people = Array.from({ length: 2400 }, (_, i) => {
    const village = random.pick(villages);
    const name = personName(random);
    const tags = TRAINEE_TAGS.filter((tag) => random.chance(tag === 'women' ? 0.45 : tag === 'returning_migrant' ? 0.25 : 0.06)) as TraineeTag[];
    return { name, mobile: `1${random.pick(['35', '38', '39', '52', '58', '77', '87'])}${String(10_000_000 + i * 3917 + random.int(0, 3000)).slice(-8)}`, village: village.code, town: village.parent_code!, tags };
  });
  const byTown = new Map<string, number[]>();
  people.forEach((p, i) => byTown.set(p.town, [...(byTown.get(p.town) ?? []), i]));

  // courses: about one a week since mid-January, 1–5 sessions on consecutive days
  const year = options.today.slice(0, 4);
  const courses: PlannedCourse[] = [];
  for (let start = `${year}-01-12`; addDays(start, 4) < options.today; start = addDays(start, random.int(6, 9))) {
    const regionCode = random.chance(0.35) ? random.pick(TRAINER_TOWNS) : random.pick(towns);
    const topic = random.pick(COURSE_TOPICS);
    const sessions = random.pick([1, 2, 3, 3, 4, 5]);
    courses.push({
      title: TOPIC_TITLES[topic],
      topic,
      regionCode,
      days: Array.from({ length: sessions }, (_, k) => addDays(start, k)),
      times: topic === 'livestream_selling' ? ['18:30', '21:00'] : ['09:00', '17:00'],
      status: 'finished',
      enrolled: [],
    });
  }
  // running today in 洪绪镇: a day class and an evening livestream class, and two planned
  courses.push({ title: '直播带货实训班（今日开课）', topic: 'livestream_selling', regionCode: TRAINER_TOWNS[0], days: [addDays(options.today, -1), options.today, addDays(options.today, 1)], times: ['18:30', '21:00'], status: 'running', enrolled: [] });
  courses.push({ title: '网店运营实务班（今日开课）', topic: 'shop_operation', regionCode: TRAINER_TOWNS[0], days: [options.today, addDays(options.today, 1)], times: ['09:00', '17:00'], status: 'running', enrolled: [] });
  for (const offset of [12, 26]) {
    courses.push({ title: TOPIC_TITLES.farm_produce, topic: 'farm_produce', regionCode: random.pick(towns), days: [addDays(options.today, offset), addDays(options.today, offset + 1)], times: ['09:00', '17:00'], status: 'planned', enrolled: [] });
  }
  for (const course of courses) {
    if (course.status === 'planned') continue;
    const local = byTown.get(course.regionCode) ?? [];
    const size = random.int(34, 52);
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(random.chance(0.8) && local.length ? random.pick(local) : random.int(0, people.length - 1));
    course.enrolled = [...chosen];
  }

  let attendanceRows = 0;
  let outcomeRows = 0;
  let duplicateRows = 0;
  await db.transaction().execute(async (trx) => {
    const traineeIds: number[] = [];
    for (let i = 0; i < people.length; i += 500) {
      const rows = await trx
        .insertInto('trainees')
        .values(people.slice(i, i + 500).map((p) => ({ name: p.name, name_initials: nameInitials(p.name), mobile: p.mobile, village_code: p.village, tags: p.tags })))
        .returning('id')
        .execute();
      traineeIds.push(...rows.map((r) => r.id));
    }
    const completedOn = new Map<number, string>();
    const heldSessions: { id: number; day: string; start: string; town: string; present: Set<number> }[] = [];
    for (const course of courses) {
      const { id: courseId } = await trx
        .insertInto('courses')
        .values({
          title: course.title,
          topic: course.topic,
          organiser: '滕州市商务局',
          trainers: [random.pick(['孟庆华', '田雨', '韩立新', '鲁婷'])],
          region_code: course.regionCode,
          venue: `${random.pick(['镇政府会议室', '镇电商服务站培训室', '村党群服务中心'])}`,
          capacity: 60,
          planned_start: course.days[0],
          planned_end: course.days.at(-1)!,
          status: course.status,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [k, day] of course.days.entries()) {
        const { id: sessionId } = await trx
          .insertInto('course_sessions')
          .values({ course_id: courseId, session_date: day, starts_at: course.times[0], ends_at: course.times[1] })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (day >= options.today) continue; // today's classes are for trying check-in
        const present = course.enrolled.filter(() => random.chance(k === 0 ? 0.95 : 0.84));
        heldSessions.push({ id: sessionId, day, start: course.times[0], town: course.regionCode, present: new Set(present) });
        if (!present.length) continue;
        await trx
          .insertInto('attendance')
          .values(
            present.map((p) => ({
              session_id: sessionId,
              trainee_id: traineeIds[p],
              method: random.pick(['search', 'search', 'qr', 'import'] as const),
              recorded_by: null,
              checked_in_at: arrival(day, course.times[0], (p * 7) % 25),
            })),
          )
          .execute();
        attendanceRows += present.length;
      }
      if (course.status === 'finished') for (const p of course.enrolled) if (!completedOn.has(p)) completedOn.set(p, course.days.at(-1)!);
    }
    // outcomes for about a quarter of those trained, 10–170 days after their course, not in the future
    const outcomes: { trainee_id: number; kind: OutcomeKind; occurred_on: string; platform: string | null; amount_fen: number | null; evidence: string }[] = [];
    for (const [p, day] of completedOn) {
      if (!random.chance(0.27)) continue;
      const occurred = addDays(day, random.int(10, 170));
      if (occurred > options.today) continue;
      const kind = random.pick([...OUTCOME_KINDS, 'shop_opened', 'first_sale'] as OutcomeKind[]);
      outcomes.push({ trainee_id: traineeIds[p], kind, occurred_on: occurred, platform: kind === 'employed' ? null : random.pick(PLATFORMS), amount_fen: kind === 'first_sale' ? random.int(30, 2000) * 100 : null, evidence: '电话回访' });
    }
    for (let i = 0; i < outcomes.length; i += 500) await trx.insertInto('training_outcomes').values(outcomes.slice(i, i + 500)).execute();
    outcomeRows = outcomes.length;
    const twice = await seedDuplicateTrainees(trx, createRandom(options.seed * 31 + 11), people, heldSessions);
    duplicateRows = twice.trainees;
    attendanceRows += twice.attendance;
  });
  await computeTrainingMetrics(db, { asOf: options.today });
  const personTimes = await db
    .selectFrom('metric_values')
    .select('value')
    .where('metric_key', '=', 'training.person_times')
    .where('region_code', '=', options.countyCode)
    .where('period', '=', year)
    .executeTakeFirst();
  return { created: true, courses: courses.length, trainees: people.length + duplicateRows, duplicates: duplicateRows, attendance: attendanceRows, outcomes: outcomeRows, personTimes: Number(personTimes?.value ?? 0) };
}

/** When a trainee checked in: `minutesBefore` the class started (negative: after), Shanghai time. */
function arrival(day: string, start: string, minutesBefore: number): Date {
  return new Date(Date.parse(`${day}T${start}:00+08:00`) - minutesBefore * 60_000);
}

/** How many people of the coordinator's towns were registered a second time under another mobile. */
const DUPLICATE_PAIRS = 8;

/**
 * The same person registered twice, as happens in the field: a second phone, a family member's
 * mobile at a walk-in. Same name, same village, another mobile (136…, which no one else has), and a
 * session or two attended under it — once a session the person had also attended under the first
 * mobile. In the demo coordinator's towns, so the duplicates page has pairs to merge at first start.
 */
async function seedDuplicateTrainees(
  trx: Db,
  random: Random,
  people: { name: string; mobile: string; village: string; town: string; tags: TraineeTag[] }[],
  sessions: { id: number; day: string; start: string; town: string; present: Set<number> }[],
): Promise<{ trainees: number; attendance: number }> {
  const attended = (p: number) => sessions.filter((s) => s.present.has(p));
  const chosen: number[] = [];
  const candidates = people.map((p, i) => ({ p, i })).filter(({ p, i }) => TRAINER_TOWNS.includes(p.town) && attended(i).length > 0);
  while (chosen.length < Math.min(DUPLICATE_PAIRS, candidates.length)) {
    const { i } = random.pick(candidates);
    if (!chosen.includes(i)) chosen.push(i);
  }
  let attendance = 0;
  for (const [k, p] of chosen.entries()) {
    const person = people[p];
    const mobile = `136${String(20_000_000 + k * 7919 + random.int(0, 999)).slice(-8)}`;
    const { id } = await trx
      .insertInto('trainees')
      .values({ name: person.name, name_initials: nameInitials(person.name), mobile, village_code: person.village, tags: person.tags.filter(() => random.chance(0.5)) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const own = attended(p);
    const elsewhere = sessions.filter((s) => s.town === person.town && !s.present.has(p));
    const picked = new Set([random.pick(elsewhere.length ? elsewhere : own)]);
    if (k % 2 === 0) picked.add(random.pick(own)); // checked in twice, under both mobiles
    await trx
      .insertInto('attendance')
      // a few minutes into the class: a second check-in of the same person comes after the first
      .values([...picked].map((s) => ({ session_id: s.id, trainee_id: id, method: 'search' as const, recorded_by: null, checked_in_at: arrival(s.day, s.start, -(5 + k)) })))
      .execute();
    attendance += picked.size;
  }
  return { trainees: chosen.length, attendance };
}

export const trainingDemo = demoSeedStep('training', (ctx) => seedDemoTraining(ctx.db, ctx));
