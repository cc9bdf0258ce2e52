import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { repoRoot } from '../../config';
import type { Db } from '../../db/create-db';
import type { RegionLevel, TownshipKind } from '../../db/types';
import { AppError } from '../../lib/app-error';
import { padCode, townshipKindOf } from './regions.codes';

/** The 2023 edition of China's division codes down to town level, copied from the public dataset (WTFPL). */
export const REGIONS_DATA_DIR = path.join(repoRoot, 'server/data/regions');
export const REGIONS_EDITION = 2023;

interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  township_kind: TownshipKind | null;
}

export interface RegionImportResult {
  /** Rows read from the files, per level. */
  read: Record<'province' | 'city' | 'county' | 'town', number>;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows that cannot be stored, with the reason (e.g. a placeholder town whose code equals its county's). */
  skipped: { code: string; name: string; reason: string }[];
  ms: number;
}

/** A minimal CSV reader for these files: comma separated, fields optionally in double quotes. */
function parseCsv(text: string, file: string): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = (line: string) => {
    const out: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') out.push(field), (field = '');
      else field += c;
    }
    out.push(field);
    return out;
  };
  const header = split(lines[0]);
  return lines.slice(1).map((line, i) => {
    const cells = split(line);
    if (cells.length !== header.length) {
      throw new AppError('REGION_IMPORT_FILE_INVALID', 'BAD_REQUEST', { file, line: i + 2, detail: `expected ${header.length} fields, got ${cells.length}` });
    }
    return Object.fromEntries(header.map((h, j) => [h, cells[j].trim()]));
  });
}

async function readRows(dir: string): Promise<{ rows: RegionRow[]; read: RegionImportResult['read']; skipped: RegionImportResult['skipped'] }> {
  const load = async (file: string) => parseCsv(await fs.readFile(path.join(dir, file), 'utf8'), file);
  const [provinces, cities, areas, streets] = await Promise.all(
    ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv'].map(load),
  );
  const rows: RegionRow[] = [];
  const seen = new Set<string>();
  const skipped: RegionImportResult['skipped'] = [];
  const add = (row: RegionRow, file: string, line: number) => {
    if (!/^\d{12}$/.test(row.code)) {
      throw new AppError('REGION_IMPORT_FILE_INVALID', 'BAD_REQUEST', { file, line, detail: `bad code ${row.code}` });
    }
    if (seen.has(row.code)) {
      // Cities without counties (东莞, 中山, 儋州…) list a county row with the city's own code; their towns
      // then sit directly under the city. 金门县 lists one placeholder town with the county's code.
      const reason = row.level === 'county' ? 'city without counties: its towns sit directly under the city' : 'placeholder repeating its parent code';
      skipped.push({ code: row.code, name: row.name, reason });
      return;
    }
    seen.add(row.code);
    rows.push(row);
  };
  provinces.forEach((r, i) => add({ code: padCode(r.code), name: r.name, level: 'province', parent_code: null, township_kind: null }, 'provinces.csv', i + 2));
  cities.forEach((r, i) =>
    add({ code: padCode(r.code), name: r.name, level: 'city', parent_code: padCode(r.provinceCode), township_kind: null }, 'cities.csv', i + 2),
  );
  areas.forEach((r, i) =>
    add({ code: padCode(r.code), name: r.name, level: 'county', parent_code: padCode(r.cityCode), township_kind: null }, 'areas.csv', i + 2),
  );
  streets.forEach((r, i) =>
    add(
      { code: padCode(r.code), name: r.name, level: 'town', parent_code: padCode(r.areaCode), township_kind: townshipKindOf(padCode(r.code)) },
      'streets.csv',
      i + 2,
    ),
  );
  return {
    rows,
    skipped,
    read: { province: provinces.length, city: cities.length, county: areas.length, town: streets.length },
  };
}

const BATCH = 2000;

/**
 * Load every province, city, county and town. Idempotent: a row is written only when it is new or
 * its name or parent changed, so a second run reports everything unchanged. Villages added by
 * users are never touched.
 */
export async function importRegions(db: Db, dir = REGIONS_DATA_DIR): Promise<RegionImportResult> {
  const started = Date.now();
  const { rows, read, skipped } = await readRows(dir);
  let inserted = 0;
  let updated = 0;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH).map((r) => ({ ...r, edition: REGIONS_EDITION }));
      const written = await trx
        .insertInto('regions')
        .values(batch)
        .onConflict((oc) =>
          oc
            .column('code')
            .doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              level: eb.ref('excluded.level'),
              parent_code: eb.ref('excluded.parent_code'),
              township_kind: eb.ref('excluded.township_kind'),
              edition: eb.ref('excluded.edition'),
              updated_at: sql`now()`,
            }))
            .where(sql<boolean>`(regions.name, regions.level, regions.parent_code, regions.township_kind, regions.edition)
              is distinct from (excluded.name, excluded.level, excluded.parent_code, excluded.township_kind, excluded.edition)`),
        )
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .execute();
      for (const w of written) w.inserted ? inserted++ : updated++;
    }
  });
  return { read, inserted, updated, unchanged: rows.length - inserted - updated, skipped, ms: Date.now() - started };
}
