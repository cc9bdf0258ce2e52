import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/create-db';
import type { Database } from '../../db/types';
import type { JobQueue } from '../../jobs/queue';
import { AppError, badRequest } from '../../lib/app-error';
import { shanghaiToday } from '../../lib/dates';
import { maskMobile } from '../../lib/list';
import type { Logger } from '../../lib/logger';
import { appSecret } from '../../lib/secrets';
import { normaliseText, parseDay, type SheetRow } from '../../lib/sheet';
import { mappedCell, problemCounts, readMappedSheet, refuseProblems, rejectsWorkbook, rememberMapping, sheetChoiceOf, sheetColumns, type ColumnMapping } from '../../lib/sheet-mapping';
import { REJECTS_MAX_ROWS } from '../../lib/upload-limits';
import { translate, type Lang, type MessageKey, type MessageParams } from '../../i18n/messages';
import { recordAudit, type AuditWho } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { regionPrefix } from '../auth/scope';
import { hasStarted, sessionWindow, windowOf } from './check-in-window';
import { maskName, sameName, traineeIdentity, type TraineeIdentity } from './trainee-identity';
import { courseFor } from './courses.service';
import { ID_CARD_KEY } from './registration.service';
import { enqueueTrainingRecompute } from './training.recompute';
import { insertAttendance } from './attendance.repository';
import {
  type SignInField,
  type signInCommitInput,
  type signInCommitOutput,
  type signInImportInput,
  type signInPreviewInput,
  type signInPreviewOutput,
  type signInRowView,
} from './sign-in-import.schemas';

/**
 * 签到表导入: the coordinator's own Excel for one course. Its columns are mapped to ours (guessed,
 * or as the user mapped them last time), every row is checked — name, mobile, ID card, the session
 * its date falls on (one that has started: a sheet records what took place), the village — and the
 * preview shows each row's problems. The commit writes all rows or none, or the good rows with the
 * rejected ones handed back as Excel. Trainees are found by their normalised mobile and attendance
 * is one row per (session, trainee), so importing the same sheet again adds nothing. A known
 * mobile under another name is a problem until the coordinator confirms such rows, and all it
 * tells them is a masked form of the registered name. Built for sheets of 100,000 rows: the
 * database is asked in bulk, never row by row. One audit row for the import, and one per session
 * listing the trainees it checked in.
 */
type Deps = { db: Db; queue: JobQueue; log: Logger };
type Input = z.output<typeof signInImportInput>;
type RowView = z.infer<typeof signInRowView>;

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

interface Note {
  field: SignInField | null;
  message: string;
}

interface ParsedRow {
  row: SheetRow;
  status: RowView['status'];
  identity: TraineeIdentity | null;
  sessionId: number | null;
  date: string | null;
  villageCode: string | null;
  villageName: string | null;
  /** Known before this import (by mobile, a merged mobile leading to the one kept). */
  traineeId: number | null;
  /** Known under another name than the row's. */
  nameDiffers: boolean;
  problems: Note[];
  notes: Note[];
}

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

async function analyse(db: Db, actor: Actor, lang: Lang, input: Input, now = new Date()) {
  const course = await courseFor(db, actor, input.courseId);
  if (course.status === 'cancelled') throw badRequest('COURSE_CANCELLED');
  const sessions = await db
    .selectFrom('course_sessions as cs')
    .leftJoin(sessionWindow.as('w'), (join) => join.onTrue())
    .select(['cs.id', 'cs.session_date', 'cs.starts_at', 'w.starts', 'w.opens', 'w.closes'])
    .where('cs.course_id', '=', course.id)
    .orderBy('cs.session_date')
    .orderBy('cs.starts_at')
    .execute();
  const chosen = input.sessionId === undefined ? null : sessions.find((s) => s.id === input.sessionId);
  if (chosen === undefined) throw badRequest('SIGN_IN_SESSION_NOT_IN_COURSE');
  const notStarted = (s: (typeof sessions)[number]) =>
    hasStarted(windowOf(s), now) ? null : ({ key: 'SESSION_NOT_STARTED', params: { date: s.session_date, time: s.starts_at.slice(0, 5) } } as const);
  const chosenNotStarted = chosen && notStarted(chosen);
  if (chosenNotStarted) throw badRequest(chosenNotStarted.key, chosenNotStarted.params);

  const required: SignInField[] = chosen ? ['name', 'mobile'] : ['name', 'mobile', 'date'];
  const { sheet, mapping, missing } = await readMappedSheet(db, actor.id, MAPPING_KIND, columns, input, required);
  const base = { course, sessions, sheet, mapping, missing };
  if (missing.length) return { ...base, rows: [] as ParsedRow[] };

  const byDate = new Map<string, (typeof sessions)[number][]>();
  for (const s of sessions) byDate.set(s.session_date, [...(byDate.get(s.session_date) ?? []), s]);
  const findVillage = await villagesByName(db, course.region_code);
  const idKey = await appSecret(db, ID_CARD_KEY);
  const today = shanghaiToday();
  const say = (key: MessageKey, params?: MessageParams) => translate(lang, key, params);
  const value = (row: SheetRow, field: SignInField) => mappedCell(mapping, row, field);

  // Pass 1, each row on its own: who, which session, which village; repeats within the sheet.
  const rows: ParsedRow[] = [];
  const firstRow = new Map<string, number>();
  const idCardMobile = new Map<string, string>();
  for (const row of sheet.rows) {
    // a numbered line nobody signed (序号 and nothing else) is a blank line
    if (!cellText(value(row, 'name')) && !cellText(value(row, 'mobile')) && !cellText(value(row, 'idCard'))) continue;
    const parsed: ParsedRow = { row, status: 'ok', identity: null, sessionId: null, date: null, villageCode: null, villageName: null, traineeId: null, nameDiffers: false, problems: [], notes: [] };
    const problem = (field: SignInField | null, key: MessageKey, params?: MessageParams) => parsed.problems.push({ field, message: say(key, params) });
    const mobileText = cellText(value(row, 'mobile'));
    if (!mobileText && cellText(value(row, 'name'))) problem('mobile', 'SIGN_IN_MOBILE_MISSING');
    else {
      try {
        parsed.identity = traineeIdentity({ name: cellText(value(row, 'name')), mobile: mobileText, idCard: cellText(value(row, 'idCard')) || null }, { today, idKey });
      } catch (err) {
        if (!(err instanceof AppError) || !IDENTITY_FIELD[err.code]) throw err;
        problem(IDENTITY_FIELD[err.code]!, err.code, err.params);
      }
    }

    if (chosen) {
      parsed.sessionId = chosen.id;
      parsed.date = chosen.session_date;
    } else {
      const raw = value(row, 'date');
      const day = parseDay(raw);
      const onDay = day ? (byDate.get(day) ?? []) : [];
      const notYet = onDay.length === 1 ? notStarted(onDay[0]!) : null;
      parsed.date = day;
      if (!day) problem('date', 'SIGN_IN_DATE_INVALID', { value: cellText(raw) });
      else if (onDay.length === 0) problem('date', 'SIGN_IN_NO_SESSION', { date: day });
      else if (onDay.length > 1) problem('date', 'SIGN_IN_SESSION_AMBIGUOUS', { date: day, n: onDay.length });
      else if (notYet) problem('date', notYet.key, notYet.params);
      else parsed.sessionId = onDay[0]!.id;
    }

    const villageText = cellText(value(row, 'village'));
    if (villageText) {
      const found = findVillage(villageText);
      if (found.length === 1) [parsed.villageCode, parsed.villageName] = [found[0]!.code, found[0]!.name];
      else parsed.notes.push({ field: 'village', message: say(found.length ? 'SIGN_IN_VILLAGE_AMBIGUOUS' : 'SIGN_IN_VILLAGE_UNKNOWN', { value: villageText }) });
    }

    const identity = parsed.identity;
    if (identity?.idCard) {
      // one ID card under two mobiles in one sheet: two people cannot share it
      const other = idCardMobile.get(identity.idCard.hash);
      if (other !== undefined && other !== identity.mobile) problem('idCard', 'TRAINEE_ID_CARD_TAKEN');
      else idCardMobile.set(identity.idCard.hash, identity.mobile);
    }
    if (parsed.problems.length) parsed.status = 'problem';
    else {
      const key = `${parsed.sessionId}:${identity!.mobile}`;
      const first = firstRow.get(key);
      if (first !== undefined) {
        parsed.status = 'duplicate';
        parsed.notes.push({ field: null, message: say('SIGN_IN_DUPLICATE_ROW', { row: first }) });
      } else firstRow.set(key, row.rowNumber);
    }
    rows.push(parsed);
  }

  // Pass 2, in bulk: who is known already (and under which name), whose ID card is someone else's,
  // who is checked in.
  const live = rows.filter((r) => r.status === 'ok');
  const known = await traineesByMobile(db, [...new Set(live.map((r) => r.identity!.mobile))]);
  const newCards = [...new Set(live.filter((r) => !known.has(r.identity!.mobile) && r.identity!.idCard).map((r) => r.identity!.idCard!.hash))];
  const cardOwner = new Map<string, string>();
  for (const part of chunks(newCards, LOOKUP_CHUNK)) {
    const owners = await db.selectFrom('trainees').select(['id_card_hash', 'mobile']).where('id_card_hash', '=', (eb) => eb.fn.any(eb.val(part))).execute();
    for (const o of owners) cardOwner.set(o.id_card_hash!, o.mobile);
  }
  // who is checked in to the course already: all of its attendance, one index range (a course is
  // a class; even a 100,000-row sheet is one read)
  const present = new Set<string>();
  if (known.size && sessions.length) {
    const there = await db.selectFrom('attendance').select(['session_id', 'trainee_id']).where('session_id', 'in', sessions.map((s) => s.id)).execute();
    for (const a of there) present.add(`${a.session_id}:${a.trainee_id}`);
  }
  for (const r of live) {
    const identity = r.identity!;
    const registered = known.get(identity.mobile);
    r.traineeId = registered?.id ?? null;
    r.nameDiffers = registered !== undefined && !sameName(registered.name, identity.name);
    if (r.nameDiffers) {
      // the person on file is told only as much as "someone else's name starts with 郭"
      const masked = { masked: maskName(registered!.name) };
      if (input.confirmNames) r.notes.push({ field: 'name', message: say('SIGN_IN_NAME_CONFIRMED', masked) });
      else {
        r.status = 'problem';
        r.problems.push({ field: 'name', message: say('SIGN_IN_NAME_DIFFERS', masked) });
        continue;
      }
    }
    if (r.traineeId === null && identity.idCard && cardOwner.has(identity.idCard.hash)) {
      r.status = 'problem';
      r.problems.push({ field: 'idCard', message: say('TRAINEE_ID_CARD_TAKEN') });
    } else if (r.traineeId !== null && present.has(`${r.sessionId}:${r.traineeId}`)) {
      r.status = 'already';
      r.notes.push({ field: null, message: say('SIGN_IN_ALREADY') });
    }
  }
  return { ...base, rows };
}

function totalsOf(rows: readonly ParsedRow[]) {
  const count = (status: RowView['status']) => rows.filter((r) => r.status === status).length;
  return {
    rows: rows.length,
    ok: count('ok'),
    already: count('already'),
    duplicate: count('duplicate'),
    problem: count('problem'),
    newTrainees: new Set(rows.filter((r) => r.status === 'ok' && r.traineeId === null).map((r) => r.identity!.mobile)).size,
    nameDiffers: rows.filter((r) => r.nameDiffers).length,
  };
}

function rowView(r: ParsedRow, mapping: ColumnMapping<SignInField>): RowView {
  const name = r.identity?.name ?? (cellText(mappedCell(mapping, r.row, 'name')) || null);
  return {
    row: r.row.rowNumber,
    status: r.status,
    name,
    mobile: r.identity ? maskMobile(r.identity.mobile) : null,
    date: r.date,
    sessionId: r.sessionId,
    villageName: r.villageName,
    problems: r.problems,
    notes: r.notes,
  };
}

export async function previewSignInImport(db: Db, actor: Actor, lang: Lang, input: z.output<typeof signInPreviewInput>): Promise<z.infer<typeof signInPreviewOutput>> {
  const { sessions, sheet, mapping, missing, rows } = await analyse(db, actor, lang, input);
  const listed = input.only === 'problems' ? rows.filter((r) => r.status === 'problem') : rows;
  const from = (input.page - 1) * input.pageSize;
  return {
    headers: sheet.headers,
    headerRow: sheet.headerRow,
    ...sheetChoiceOf(sheet),
    mapping,
    missing,
    sessions: sessions.map((s) => ({ id: s.id, date: s.session_date, startsAt: s.starts_at.slice(0, 5) })),
    totals: totalsOf(rows),
    ...problemCounts(rows.flatMap((r) => r.problems)),
    rows: { items: listed.slice(from, from + input.pageSize).map((r) => rowView(r, mapping)), total: listed.length },
  };
}

/**
 * Write the sheet: all_or_nothing refuses a sheet with any problem and writes nothing;
 * skip_invalid writes the good rows (in one transaction) and returns the rest as Excel.
 */
export async function commitSignInImport(
  deps: Deps,
  actor: Actor,
  who: AuditWho,
  lang: Lang,
  input: z.output<typeof signInCommitInput>,
): Promise<z.infer<typeof signInCommitOutput>> {
  const { course, sheet, mapping, missing, rows } = await analyse(deps.db, actor, lang, input);
  if (missing.length) throw badRequest('IMPORT_MAPPING_INCOMPLETE', { fields: missing.map((f) => SYNONYMS[f][0]).join('、') });
  if (input.mode === 'all_or_nothing') refuseProblems(rows.filter((r) => r.status === 'problem').map((r) => ({ row: r.row.rowNumber })));

  const written = await deps.db.transaction().execute(async (trx) => {
    const toWrite = rows.filter((r) => r.status === 'ok');
    // new people, once each (the first row naming a mobile is taken); a concurrent registration of
    // the same mobile or ID card makes the insert skip the row, and the lookup below finds it
    const fresh = new Map<string, ParsedRow>();
    for (const r of toWrite) if (r.traineeId === null && !fresh.has(r.identity!.mobile)) fresh.set(r.identity!.mobile, r);
    let newTrainees = 0;
    for (const part of chunks([...fresh.values()], CHUNK)) {
      const column = <T>(pick: (r: ParsedRow) => T) => part.map(pick);
      const { rows: inserted } = await sql<{ id: number }>`
        insert into trainees (name, name_initials, mobile, id_card_hash, id_card_last4, birth_date, gender, village_code, created_by)
        select * from unnest(
          ${column((r) => r.identity!.name)}::text[], ${column((r) => r.identity!.nameInitials)}::text[], ${column((r) => r.identity!.mobile)}::text[],
          ${column((r) => r.identity!.idCard?.hash ?? null)}::text[], ${column((r) => r.identity!.idCard?.last4 ?? null)}::text[],
          ${column((r) => r.identity!.idCard?.birthDate ?? null)}::date[], ${column((r) => r.identity!.idCard?.gender ?? null)}::text[],
          ${column((r) => r.villageCode)}::text[], ${column(() => who.id)}::int[])
        on conflict do nothing
        returning id`.execute(trx);
      newTrainees += inserted.length;
    }
    const ids = fresh.size ? await traineesByMobile(trx, [...fresh.keys()]) : new Map<string, { id: number; name: string }>();
    for (const r of toWrite) {
      if (r.traineeId !== null) continue;
      r.traineeId = ids.get(r.identity!.mobile)?.id ?? null;
      if (r.traineeId === null) {
        // the ID card was registered under another mobile while we worked
        r.status = 'problem';
        r.problems.push({ field: 'idCard', message: translate(lang, 'TRAINEE_ID_CARD_TAKEN') });
      }
    }
    if (input.mode === 'all_or_nothing') refuseProblems(rows.filter((r) => r.status === 'problem').map((r) => ({ row: r.row.rowNumber })));

    const pairs = toWrite.filter((r) => r.status === 'ok');
    const checkedIn = new Map<number, number[]>();
    for (const part of chunks(pairs, CHUNK)) {
      const inserted = await insertAttendance(trx, { method: 'import', recordedBy: who.id, rows: part.map((r) => ({ sessionId: r.sessionId!, traineeId: r.traineeId! })) }).execute();
      for (const a of inserted) {
        const ids = checkedIn.get(a.session_id) ?? [];
        if (!ids.length) checkedIn.set(a.session_id, ids);
        ids.push(a.trainee_id);
      }
    }
    const newAttendance = [...checkedIn.values()].reduce((n, ids) => n + ids.length, 0);
    const totals = totalsOf(rows);
    const summary = {
      mode: input.mode,
      rows: rows.length,
      newTrainees,
      newAttendance,
      alreadyPresent: totals.already + (pairs.length - newAttendance),
      duplicates: totals.duplicate,
      rejected: totals.problem,
    };
    await rememberMapping(trx, actor.id, MAPPING_KIND, mapping);
    await recordAudit(trx, who, {
      entity: 'course',
      entityId: course.id,
      action: 'attendance.import',
      after: { ...summary, sessions: [...new Set(pairs.map((r) => r.sessionId))] },
    });
    // and, like every way of checking in, who was checked in to which session
    for (const [sessionId, traineeIds] of checkedIn) {
      await recordAudit(trx, who, { entity: 'course_session', entityId: sessionId, action: 'attendance.import', after: { courseId: course.id, checkedIn: traineeIds.length, traineeIds } });
    }
    return summary;
  });

  if (written.newAttendance > 0) await enqueueTrainingRecompute(deps);
  const rejected = rows.filter((r) => r.status === 'problem');
  return {
    ...written,
    rejects:
      input.mode === 'skip_invalid' && rejected.length
        ? await rejectsWorkbook(sheet.headers, rejected.slice(0, REJECTS_MAX_ROWS), lang, { filenameStem: 'sign-in-rejects', dateText: cellText })
        : null,
  };
}
