import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENUM_COLUMNS, JSON_COLUMNS } from '@cuntong/server/db/codegen/column-types';
import { introspect, renderTypes, type SchemaInfo } from '@cuntong/server/db/codegen/generate';
import type { DbHandle } from '@cuntong/server/db/create-db';
import { createTestDb } from '../support/db';
import { DATABASE_URL } from '../support/env';

const TYPES_FILE = fileURLToPath(new URL('../../server/src/db/types.ts', import.meta.url));

describe(`db/types.ts is generated from the migrated schema (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let handle: DbHandle;
  let schema: SchemaInfo;
  beforeAll(async () => {
    handle = await createTestDb({ regions: false });
    schema = await introspect(handle.db);
  });
  afterAll(() => handle.close());

  it('matches what pnpm db:types writes (CI fails when a migration came without it)', async () => {
    const onDisk = await fs.readFile(TYPES_FILE, 'utf8');
    expect(renderTypes(schema), 'db/types.ts is stale: run pnpm db:types').toBe(onDisk);
  });

  it('notices a column added by a migration', async () => {
    await sql`alter table courses add column throwaway_note text`.execute(handle.db);
    try {
      const text = renderTypes(await introspect(handle.db));
      expect(text).toContain('  throwaway_note: string | null;');
      expect(text).not.toBe(await fs.readFile(TYPES_FILE, 'utf8'));
    } finally {
      await sql`alter table courses drop column throwaway_note`.execute(handle.db);
    }
  });

  it('types columns as the drivers hand them over, with defaults optional on insert', () => {
    const text = renderTypes(schema);
    const table = (name: string) => new RegExp(`export interface ${name} \\{\\n([^}]*)\\n\\}`).exec(text)?.[1] ?? '';
    expect(table('LedgerEntriesTable')).toContain('  entry_date: string;'); // date: 'YYYY-MM-DD' text
    expect(table('LedgerEntriesTable')).toContain('  sales_amount_fen: Generated<number>;'); // int8 with a default
    expect(table('StationsTable')).toContain('  lat: number | null;'); // numeric
    expect(table('StationsTable')).toContain('  services: Generated<StationService[]>;');
    expect(table('UsersTable')).toContain('  role: Role;');
    expect(table('LivestreamStreamsTable')).toContain('  started_at: Timestamp;');
    expect(table('ImportMappingsTable')).toContain('  mapping: Json<Record<string, string>>;');
    expect(table('AuditLogTable')).toContain('  before: Json | null;');
  });

  it('fails on a mapped column that no longer exists, naming it', () => {
    const enums = { ...ENUM_COLUMNS, 'courses.gone': { type: 'CourseStatus', values: ['planned'] } };
    expect(() => renderTypes(schema, { enums, json: JSON_COLUMNS })).toThrow(/courses\.gone is in ENUM_COLUMNS but not in the schema/);
    expect(() => renderTypes(schema, { enums: ENUM_COLUMNS, json: { ...JSON_COLUMNS, 'audit_log.gone': 'unknown' } })).toThrow(/audit_log\.gone is in JSON_COLUMNS/);
  });

  it('fails when a set and its column CHECK disagree, or a mapping does not fit the column type', () => {
    const fewer = { ...ENUM_COLUMNS, 'users.role': { type: 'Role', values: ['admin', 'staff'] } };
    expect(() => renderTypes(schema, { enums: fewer, json: JSON_COLUMNS })).toThrow(/users\.role: its CHECK allows \[.*livestream_manager.*\] but Role is \[admin, staff\]/);
    const notText = { ...ENUM_COLUMNS, 'users.id': { type: 'Role', values: [] } };
    expect(() => renderTypes(schema, { enums: notText, json: JSON_COLUMNS })).toThrow(/users\.id is int4, not text or text\[\]/);
    expect(() => renderTypes(schema, { enums: ENUM_COLUMNS, json: { 'users.login_name': 'string' } })).toThrow(/users\.login_name is text, not json or jsonb/);
  });

  it('fails on a column type it has no TypeScript type for', () => {
    const odd: SchemaInfo = {
      ...schema,
      columns: [...schema.columns, { ...schema.columns.find((c) => c.table === 'courses')!, column: 'span', type: 'interval', element: null }],
    };
    expect(() => renderTypes(odd)).toThrow(/courses\.span: no TypeScript type for interval/);
  });
});
