import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types';
import { AppError, badRequest } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { idSchema } from '../../lib/schema';
import { maskMobile } from '../../lib/list';
import { appSecret } from '../../lib/secrets';
import { normaliseText, parseDay } from '../../lib/sheet';
import { sheetColumns } from '../../imports/sheet-mapping';
import { commitMode, defineImport, importRequest, previewQuery, type ImportRow } from '../../imports/sheet-import';
import type { MessageKey } from '../../i18n/messages';
import { recordAudit } from '../audit/audit.service';
import { regionPrefix } from '../auth/scope';
import { hasStarted, sessionWindow, windowOf } from './check-in-window';
import { maskName, sameName, traineeIdentity, type TraineeIdentity } from './trainee-identity';
import { courseFor } from './courses.service';
import { ID_CARD_KEY } from './registration.service';
import { enqueueTrainingRecompute } from './training.recompute';
import { insertAttendance } from './attendance.repository';
import { SIGN_IN_FIELDS, type SignInField } from './sign-in-import.schemas';

/**
 * 签到表导入: the coordinator's own Excel for one course, on the shared pipeline
 * (imports/sheet-import.ts). Every row is checked — name, mobile, ID card, the session its date
 * falls on (one that has started: a sheet records what took place), the village — and the preview
 * shows each row's problems. The commit writes all rows or none, or the good rows with the rejected
 * ones handed back as Excel. Trainees are found by their normalised mobile and attendance is one
 * row per (session, trainee), so importing the same sheet again adds nothing. A known mobile under
 * another name is a problem until the coordinator confirms such rows, and all it tells them is a
 * masked form of the registered name. Built for sheets of 100,000 rows: the database is asked in
 * bulk, never row by row. One audit row for the import, and one per session listing the trainees
 * it checked in.
 */
const MAPPING_KIND = 'training.sign_in';
/** Rows per multi-row INSERT, and values per `= any(…)` lookup. */
const CHUNK = 10_000;
const LOOKUP_CHUNK = 10_000;

const SYNONYMS: Record<SignInField, string[]> = {
  name: ['姓名', '学员姓名', '学员', '名字', 'name'],
  mobile: ['手机号', '手机', '手机号码', '联系电话', '电话', '电话号码', '联系方式', 'mobile', 'phone'],
  idCard: ['身份证号', '身份证', '身份证号码', '证件号码', '证件号', 'idcard'],
  village: ['村', '所在村', '村居', '村庄', '村名', '所在村居', '村(社区)', 'village'],
  date: ['日期', '签到日期', '培训日期', '上课日期', '签到时间', 'date'],
};
/** Headers compared folded, a note in brackets dropped: 手机号（必填）, 所在村（社区）. */
const fold = (header: string) => normaliseText(header).replace(/\([^)]*\)$/, '').toLowerCase();
const columns = sheetColumns(SYNONYMS, { fold, ignored: ['序号', '编号', '签名', '本人签名', '签字', '备注'] });

/** Which field a refusal of traineeIdentity is about. */
const IDENTITY_FIELD: Partial<Record<MessageKey, SignInField>> = {
  TRAINEE_NAME_INVALID: 'name',
  TRAINEE_MOBILE_INVALID: 'mobile',
  TRAINEE_ID_CARD_FORMAT: 'idCard',
  TRAINEE_ID_CARD_BIRTH_DATE: 'idCard',
  TRAINEE_ID_CARD_CHECKSUM: 'idCard',
};

/** A row read: who, which session, which village; whether the person is known, and by which name. */
interface SignInRow {
  /** The name as written (shown even when the row's identity is refused). */
  name: string | null;
  identity: TraineeIdentity | null;
  sessionId: number | null;
  date: string | null;
  villageCode: string | null;
  villageName: string | null;
  /** Known before this import (by mobile, a merged mobile leading to the one kept). */
  traineeId: number | null;
  /** Known under another name than the row's. */
  nameDiffers: boolean;
}
type Row = ImportRow<SignInField, SignInRow>;

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return parseDay(value) ?? '';
  return String(value).trim();
};

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The villages a course's trainees come from (under its town, or its county), by name. */
async function villagesByName(db: Kysely<Database>, regionCode: string) {
  const rows = await db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('level', '=', 'village')
    .where('code', 'like', `${regionPrefix(regionCode)}%`)
    .execute();
  const byName = new Map<string, { code: string; name: string }[]>();
  const add = (key: string, village: { code: string; name: string }) => {
    if (!key) return;
    const list = byName.get(key) ?? [];
    if (!list.some((v) => v.code === village.code)) list.push(village);
    byName.set(key, list);
  };
  const bare = (name: string) => normaliseText(name).replace(/(村民委员会|居民委员会|村委会|居委会|社区|村)$/, '');
  for (const village of rows) {
    add(normaliseText(village.name), village);
    add(bare(village.name), village);
  }
  return (text: string) => byName.get(normaliseText(text)) ?? byName.get(bare(text)) ?? [];
}

/** Existing trainees by mobile, in bulk: id and name (a merged record leads to the one kept). */
async function traineesByMobile(db: Kysely<Database>, mobiles: readonly string[]) {
  const found = new Map<string, { id: number; name: string }>();
  for (const part of chunks(mobiles, LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('trainees as t')
      .innerJoin('trainees as k', (join) => join.on((eb) => eb('k.id', '=', eb.fn.coalesce('t.merged_into_id', 't.id'))))
      .select(['t.mobile', 'k.id', 'k.name'])
      .where('t.mobile', '=', (eb) => eb.fn.any(eb.val(part)))
      .execute();
    for (const r of rows) found.set(r.mobile, { id: r.id, name: r.name });
  }
  return found;
}


const request = {
  ...importRequest(SIGN_IN_FIELDS),
  courseId: idSchema,
  /** Every row is for this session (needed when the sheet has no date column; wins over one). */
  sessionId: idSchema.optional(),
  /**
   * Rows whose mobile is a registered trainee's under another name are refused unless confirmed:
   * with this, they are checked in as that trainee (the person is one trainee in the county).
   */
  confirmNames: z.boolean().default(false),
};

type Session = { id: number; session_date: string; starts_at: string; starts: Date | null; opens: Date | null; closes: Date | null };

const notStarted = (s: Session, now: Date) =>
  hasStarted(windowOf(s), now) ? null : ({ key: 'SESSION_NOT_STARTED', params: { date: s.session_date, time: s.starts_at.slice(0, 5) } } as const);

export const signInImport = defineImport({
  name: MAPPING_KIND,
  fields: SIGN_IN_FIELDS,
  request: { preview: z.object({ ...request, ...previewQuery }), commit: z.object({ ...request, ...commitMode() }) },
  async prepare({ db, actor }, input) {
    const course = await courseFor(db, actor, input.courseId);
    if (course.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
    const sessions: Session[] = await db
      .selectFrom('course_sessions as cs')
      .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
      .select(['cs.id', 'cs.session_date', 'cs.starts_at', 'w.starts', 'w.opens', 'w.closes'])
      .where('cs.course_id', '=', course.id)
      .orderBy('cs.session_date')
      .orderBy('cs.starts_at')
      .execute();
    const chosen = input.sessionId === undefined ? null : sessions.find((s) => s.id === input.sessionId);
    if (chosen === undefined) throw badRequest('SIGN_IN_SESSION_NOT_IN_COURSE');
    const now = new Date();
    const chosenNotStarted = chosen && notStarted(chosen, now);
    if (chosenNotStarted) throw badRequest(chosenNotStarted.key, chosenNotStarted.params);
    return { course, sessions, chosen, now, confirmNames: input.confirmNames };
  },
  columns: () => columns,
  label: (field) => SYNONYMS[field][0]!,
  required: (_input, { chosen }) => (chosen ? ['name', 'mobile'] : ['name', 'mobile', 'date']),
  async analyse(tools, { course, sessions, chosen, now, confirmNames }, sheet) {
    const { ctx, cell } = tools;
    const byDate = new Map<string, Session[]>();
    for (const s of sessions) byDate.set(s.session_date, [...(byDate.get(s.session_date) ?? []), s]);
    const findVillage = await villagesByName(ctx.db, course.region_code);
    const idKey = await appSecret(ctx.db, ID_CARD_KEY);
    const today = shanghaiToday();

    // Pass 1, each row on its own: who, which session, which village; repeats within the sheet.
    const rows: Row[] = [];
    let skipped = 0;
    const firstRow = new Map<string, number>();
    const idCardMobile = new Map<string, string>();
    for (const [i, line] of sheet.rows.entries()) {
      await tools.progress.advance(i + 1);
      // a numbered line nobody signed (序号 and nothing else) is a blank line
      if (!cellText(cell(line, 'name')) && !cellText(cell(line, 'mobile')) && !cellText(cell(line, 'idCard'))) {
        skipped++;
        continue;
      }
      const r = tools.row<SignInRow>(line, { name: cellText(cell(line, 'name')) || null, identity: null, sessionId: null, date: null, villageCode: null, villageName: null, traineeId: null, nameDiffers: false });
      const mobileText = cellText(cell(line, 'mobile'));
      if (!mobileText && cellText(cell(line, 'name'))) tools.problem(r, 'mobile', 'SIGN_IN_MOBILE_MISSING');
      else {
        try {
          r.data.identity = traineeIdentity({ name: cellText(cell(line, 'name')), mobile: mobileText, idCard: cellText(cell(line, 'idCard')) || null }, { today, idKey });
        } catch (err) {
          if (!(err instanceof AppError) || !IDENTITY_FIELD[err.code]) throw err;
          tools.problem(r, IDENTITY_FIELD[err.code]!, err.code, err.params);
        }
      }

      if (chosen) {
        r.data.sessionId = chosen.id;
        r.data.date = chosen.session_date;
      } else {
        const raw = cell(line, 'date');
        const day = parseDay(raw);
        const onDay = day ? (byDate.get(day) ?? []) : [];
        const notYet = onDay.length === 1 ? notStarted(onDay[0]!, now) : null;
        r.data.date = day;
        if (!day) tools.problem(r, 'date', 'SIGN_IN_DATE_INVALID', { value: cellText(raw) });
        else if (onDay.length === 0) tools.problem(r, 'date', 'SIGN_IN_NO_SESSION', { date: day });
        else if (onDay.length > 1) tools.problem(r, 'date', 'SIGN_IN_SESSION_AMBIGUOUS', { date: day, n: onDay.length });
        else if (notYet) tools.problem(r, 'date', notYet.key, notYet.params);
        else r.data.sessionId = onDay[0]!.id;
      }

      const villageText = cellText(cell(line, 'village'));
      if (villageText) {
        const found = findVillage(villageText);
        if (found.length === 1) [r.data.villageCode, r.data.villageName] = [found[0]!.code, found[0]!.name];
        else tools.note(r, 'village', found.length ? 'SIGN_IN_VILLAGE_AMBIGUOUS' : 'SIGN_IN_VILLAGE_UNKNOWN', { value: villageText });
      }

      const identity = r.data.identity;
      if (identity?.idCard) {
        // one ID card under two mobiles in one sheet: two people cannot share it
        const other = idCardMobile.get(identity.idCard.hash);
        if (other !== undefined && other !== identity.mobile) tools.problem(r, 'idCard', 'TRAINEE_ID_CARD_TAKEN');
        else idCardMobile.set(identity.idCard.hash, identity.mobile);
      }
      if (r.status === 'ok') {
        const key = `${r.data.sessionId}:${identity!.mobile}`;
        const first = firstRow.get(key);
        if (first !== undefined) tools.skip(r, 'duplicate', 'SIGN_IN_DUPLICATE_ROW', { row: first });
        else firstRow.set(key, line.rowNumber);
      }
      rows.push(r);
    }

    // Pass 2, in bulk: who is known already (and under which name), whose ID card is someone else's,
    // who is checked in.
    const live = rows.filter((r) => r.status === 'ok');
    const known = await traineesByMobile(ctx.db, [...new Set(live.map((r) => r.data.identity!.mobile))]);
    const newCards = [...new Set(live.filter((r) => !known.has(r.data.identity!.mobile) && r.data.identity!.idCard).map((r) => r.data.identity!.idCard!.hash))];
    const cardOwner = new Map<string, string>();
    for (const part of chunks(newCards, LOOKUP_CHUNK)) {
      const owners = await ctx.db.selectFrom('trainees').select(['id_card_hash', 'mobile']).where('id_card_hash', '=', (eb) => eb.fn.any(eb.val(part))).execute();
      for (const o of owners) cardOwner.set(o.id_card_hash!, o.mobile);
    }
    // who is checked in to the course already: all of its attendance, one index range (a course is
    // a class; even a 100,000-row sheet is one read)
    const present = new Set<string>();
    if (known.size && sessions.length) {
      const there = await ctx.db.selectFrom('attendance').select(['session_id', 'trainee_id']).where('session_id', 'in', sessions.map((s) => s.id)).execute();
      for (const a of there) present.add(`${a.session_id}:${a.trainee_id}`);
    }
    for (const r of live) {
      const identity = r.data.identity!;
      const registered = known.get(identity.mobile);
      r.data.traineeId = registered?.id ?? null;
      r.data.nameDiffers = registered !== undefined && !sameName(registered.name, identity.name);
      if (r.data.nameDiffers) {
        // the person on file is told only as much as "someone else's name starts with 郭"
        const masked = { masked: maskName(registered!.name) };
        if (confirmNames) tools.note(r, 'name', 'SIGN_IN_NAME_CONFIRMED', masked);
        else {
          tools.problem(r, 'name', 'SIGN_IN_NAME_DIFFERS', masked);
          continue;
        }
      }
      if (r.data.traineeId === null && identity.idCard && cardOwner.has(identity.idCard.hash)) tools.problem(r, 'idCard', 'TRAINEE_ID_CARD_TAKEN');
      else if (r.data.traineeId !== null && present.has(`${r.data.sessionId}:${r.data.traineeId}`)) tools.skip(r, 'already', 'SIGN_IN_ALREADY');
    }
    return { rows, skipped };
  },
  view: {
    shape: { name: z.string().nullable(), mobile: z.string().nullable(), date: z.string().nullable(), sessionId: z.number().nullable(), villageName: z.string().nullable() },
    // the mobile is masked, the ID card never shown
    of: ({ data }) => ({
      name: data.identity?.name ?? data.name,
      mobile: data.identity ? maskMobile(data.identity.mobile) : null,
      date: data.date,
      sessionId: data.sessionId,
      villageName: data.villageName,
    }),
  },
  totals: {
    shape: {
      /** Distinct new people among the rows to import. */
      newTrainees: z.number(),
      /** Rows whose mobile is registered under another name: problems until confirmed (`confirmNames`), then imported with a note. */
      nameDiffers: z.number(),
    },
    of: (rows) => ({
      newTrainees: new Set(rows.filter((r) => r.status === 'ok' && r.data.traineeId === null).map((r) => r.data.identity!.mobile)).size,
      nameDiffers: rows.filter((r) => r.data.nameDiffers).length,
    }),
  },
  preview: {
    shape: { sessions: z.array(z.object({ id: z.number(), date: z.string(), startsAt: z.string() })) },
    of: ({ sessions }) => ({ sessions: sessions.map((s) => ({ id: s.id, date: s.session_date, startsAt: s.starts_at.slice(0, 5) })) }),
  },
  write: {
    shape: {
      newTrainees: z.number(),
      newAttendance: z.number(),
      /** Checked in before (by any method), or by a concurrent request. */
      alreadyPresent: z.number(),
    },
    async run(trx, tools, { course }, toWrite, all) {
      const { who } = tools.ctx;
      // new people, once each (the first row naming a mobile is taken); a concurrent registration of
      // the same mobile or ID card makes the insert skip the row, and the lookup below finds it
      const fresh = new Map<string, Row>();
      for (const r of toWrite) if (r.data.traineeId === null && !fresh.has(r.data.identity!.mobile)) fresh.set(r.data.identity!.mobile, r);
      let newTrainees = 0;
      for (const part of chunks([...fresh.values()], CHUNK)) {
        const column = <T>(pick: (r: Row) => T) => part.map(pick);
        const { rows: inserted } = await sql<{ id: number }>`
          insert into trainees (name, name_initials, mobile, id_card_hash, id_card_last4, birth_date, gender, village_code, created_by)
          select * from unnest(
            ${column((r) => r.data.identity!.name)}::text[], ${column((r) => r.data.identity!.nameInitials)}::text[], ${column((r) => r.data.identity!.mobile)}::text[],
            ${column((r) => r.data.identity!.idCard?.hash ?? null)}::text[], ${column((r) => r.data.identity!.idCard?.last4 ?? null)}::text[],
            ${column((r) => r.data.identity!.idCard?.birthDate ?? null)}::date[], ${column((r) => r.data.identity!.idCard?.gender ?? null)}::text[],
            ${column((r) => r.data.villageCode)}::text[], ${column(() => who.id)}::int[])
          on conflict do nothing
          returning id`.execute(trx);
        newTrainees += inserted.length;
      }
      const ids = fresh.size ? await traineesByMobile(trx, [...fresh.keys()]) : new Map<string, { id: number; name: string }>();
      for (const r of toWrite) {
        if (r.data.traineeId !== null) continue;
        r.data.traineeId = ids.get(r.data.identity!.mobile)?.id ?? null;
        // the ID card was registered under another mobile while we worked
        if (r.data.traineeId === null) tools.problem(r, 'idCard', 'TRAINEE_ID_CARD_TAKEN');
      }

      const pairs = toWrite.filter((r) => r.status === 'ok');
      const checkedIn = new Map<number, number[]>();
      let done = 0;
      for (const part of chunks(pairs, CHUNK)) {
        const inserted = await insertAttendance(trx, { method: 'import', recordedBy: who.id, rows: part.map((r) => ({ sessionId: r.data.sessionId!, traineeId: r.data.traineeId! })) }).execute();
        for (const a of inserted) {
          const ids = checkedIn.get(a.session_id) ?? [];
          if (!ids.length) checkedIn.set(a.session_id, ids);
          ids.push(a.trainee_id);
        }
        await tools.progress.advance((done += part.length));
      }
      const newAttendance = [...checkedIn.values()].reduce((n, ids) => n + ids.length, 0);
      const summary = {
        newTrainees,
        newAttendance,
        alreadyPresent: all.filter((r) => r.status === 'already').length + (pairs.length - newAttendance),
      };
      const count = (status: Row['status']) => all.filter((r) => r.status === status).length;
      await recordAudit(trx, who, {
        entity: 'course',
        entityId: course.id,
        action: 'attendance.import',
        after: { mode: tools.mode, rows: all.length, ...summary, duplicates: count('duplicate'), rejected: count('problem'), sessions: [...new Set(pairs.map((r) => r.data.sessionId))] },
      });
      // and, like every way of checking in, who was checked in to which session
      for (const [sessionId, traineeIds] of checkedIn) {
        await recordAudit(trx, who, { entity: 'course_session', entityId: sessionId, action: 'attendance.import', after: { courseId: course.id, checkedIn: traineeIds.length, traineeIds } });
      }
      return summary;
    },
  },
  async after(ctx, _context, _rows, { newAttendance }) {
    if (newAttendance > 0) await enqueueTrainingRecompute(ctx);
  },
  rejects: { filenameStem: 'sign-in-rejects', dateText: cellText },
});
