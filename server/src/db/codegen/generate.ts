/**
 * Generates `db/types.ts`, the Kysely `Database` interface, from a migrated schema (`pnpm db:types`;
 * tests/db/types-fresh.test.ts fails when the file on disk differs).
 *
 * Our own small generator over pg_catalog rather than kysely-codegen: the types must say what our
 * drivers hand the app (create-db.ts parses int8 and numeric to numbers and keeps dates as text,
 * which kysely-codegen would type as string/bigint and Date), JSON is written as JSON text, and the
 * closed sets of text columns come from a mapping that must fail when it names a column that is
 * gone or disagrees with the column's CHECK — none of which kysely-codegen checks. It reads the
 * catalog through Kysely, so it runs on PostgreSQL and on PGlite alike.
 */
import { sql, type RawBuilder } from 'kysely';
import { ENUM_COLUMNS, JSON_COLUMNS, type EnumColumn } from './column-types';

/** Anything a raw query runs on: a Kysely instance or a transaction. */
type Executor = Parameters<RawBuilder<unknown>['execute']>[0];

export interface ColumnInfo {
  table: string;
  column: string;
  /** pg type name (a domain's base type), e.g. 'int8', '_text'. */
  type: string;
  /** Element type name of an array type, else null. */
  element: string | null;
  notNull: boolean;
  hasDefault: boolean;
  /** pg_attribute.attidentity: '' | 'a' (always) | 'd' (by default). */
  identity: string;
  /** pg_attribute.attgenerated: '' | 's' (stored, computed). */
  generated: string;
  comment: string | null;
  tableComment: string | null;
}

export interface CheckInfo {
  table: string;
  column: string;
  definition: string;
}

export interface SchemaInfo {
  columns: ColumnInfo[];
  checks: CheckInfo[];
}

export interface ColumnMappings {
  enums: Record<string, EnumColumn>;
  json: Record<string, string>;
}

const DEFAULT_MAPPINGS: ColumnMappings = { enums: ENUM_COLUMNS, json: JSON_COLUMNS };

/** Tables Kysely's migrator keeps for itself. */
const IGNORED_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/** Read the public schema's tables, columns and single-column CHECKs, in a stable order. */
export async function introspect(db: Executor): Promise<SchemaInfo> {
  const columns = await sql<ColumnInfo>`
    select c.relname as "table", a.attname as "column", t.typname as "type", e.typname as "element",
      a.attnotnull as "notNull", a.atthasdef as "hasDefault", a.attidentity::text as "identity",
      a.attgenerated::text as "generated", col_description(c.oid, a.attnum) as "comment",
      obj_description(c.oid, 'pg_class') as "tableComment"
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_type t0 on t0.oid = a.atttypid
    join pg_catalog.pg_type t on t.oid = case when t0.typtype = 'd' then t0.typbasetype else t0.oid end
    left join pg_catalog.pg_type e on e.oid = t.typelem and t.typcategory = 'A'
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db);
  const checks = await sql<CheckInfo>`
    select c.relname as "table", a.attname as "column", pg_get_constraintdef(k.oid) as "definition"
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class c on c.oid = k.conrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
    where n.nspname = 'public' and k.contype = 'c' and array_length(k.conkey, 1) = 1
    order by c.relname, a.attname, k.conname`.execute(db);
  return {
    columns: columns.rows.filter((c) => !IGNORED_TABLES.has(c.table)),
    checks: checks.rows,
  };
}

/** What each pg type reads as through our drivers (see create-db.ts). Arrays: of these elements. */
const SCALARS: Record<string, string> = {
  int2: 'number',
  int4: 'number',
  int8: 'number', // parsed to a JS number by both drivers
  numeric: 'number', // idem
  float4: 'number',
  float8: 'number',
  oid: 'number',
  bool: 'boolean',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  citext: 'string',
  name: 'string',
  uuid: 'string',
  inet: 'string',
  cidr: 'string',
  date: 'string', // 'YYYY-MM-DD', kept as text by both drivers
  time: 'string', // 'HH:MM:SS'
  bytea: 'Buffer',
};
/** Array elements whose arrays both drivers parse to the same JS values as the scalar. */
const ARRAY_ELEMENTS = new Set(['int2', 'int4', 'float4', 'float8', 'bool', 'text', 'varchar', 'bpchar', 'uuid']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);
const JSON_TYPES = new Set(['json', 'jsonb']);
const TIMESTAMP_TYPES = new Set(['timestamptz', 'timestamp']);

class SchemaMismatch extends Error {}

const key = (c: { table: string; column: string }) => `${c.table}.${c.column}`;

function pascal(name: string): string {
  return name
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The values a CHECK constraint allows, when it is `col = ANY (ARRAY[...])` or `col <@ ARRAY[...]`. */
function checkedValues(definition: string): string[] | null {
  const m = /(?:= ANY \(|<@ )\(?ARRAY\[(.*?)\]/.exec(definition);
  if (!m) return null;
  return [...m[1]!.matchAll(/'((?:[^']|'')*)'::[a-z ]+/g)].map((v) => v[1]!.replace(/''/g, "'"));
}

/** The column's type as it reads (before null and defaults), and the alias it uses if any. */
function baseType(col: ColumnInfo, mappings: ColumnMappings): string {
  const k = key(col);
  const enumColumn = mappings.enums[k];
  if (enumColumn) {
    if (TEXT_TYPES.has(col.type)) return enumColumn.type;
    if (col.element && TEXT_TYPES.has(col.element)) return `${enumColumn.type}[]`;
    throw new SchemaMismatch(`${k} is ${col.type}, not text or text[]: it cannot hold the set ${enumColumn.type} (db/codegen/column-types.ts)`);
  }
  if (mappings.json[k] !== undefined && !JSON_TYPES.has(col.type)) {
    throw new SchemaMismatch(`${k} is ${col.type}, not json or jsonb: remove it from JSON_COLUMNS (db/codegen/column-types.ts)`);
  }
  if (JSON_TYPES.has(col.type)) return mappings.json[k] === undefined ? 'Json' : `Json<${mappings.json[k]}>`;
  if (TIMESTAMP_TYPES.has(col.type)) return col.column === 'created_at' && col.hasDefault ? 'CreatedAt' : 'Timestamp';
  if (col.element) {
    if (!ARRAY_ELEMENTS.has(col.element)) throw new SchemaMismatch(`${k}: no TypeScript type for arrays of ${col.element} (add it to db/codegen/generate.ts)`);
    return `${SCALARS[col.element]}[]`;
  }
  const scalar = SCALARS[col.type];
  if (!scalar) throw new SchemaMismatch(`${k}: no TypeScript type for ${col.type} (add it to db/codegen/generate.ts)`);
  return scalar;
}

function columnType(col: ColumnInfo, mappings: ColumnMappings): string {
  const base = baseType(col, mappings);
  const type = col.notNull ? base : `${base} | null`;
  if (col.identity === 'a' || col.generated === 's') return `GeneratedAlways<${type}>`;
  if (base === 'CreatedAt') return type; // its insert type already allows leaving it out
  if (col.hasDefault || col.identity === 'd') return `Generated<${type}>`;
  return type;
}

function docComment(text: string | null, indent: string): string[] {
  if (!text) return [];
  const lines = text.trim().split('\n');
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`.trimEnd()), `${indent} */`];
}

/** Every mismatch between the mappings and the schema, so that one run lists them all. */
function checkMappings(schema: SchemaInfo, mappings: ColumnMappings): string[] {
  const columns = new Map(schema.columns.map((c) => [key(c), c]));
  const problems: string[] = [];
  for (const k of Object.keys(mappings.enums)) if (!columns.has(k)) problems.push(`${k} is in ENUM_COLUMNS but not in the schema`);
  for (const k of Object.keys(mappings.json)) if (!columns.has(k)) problems.push(`${k} is in JSON_COLUMNS but not in the schema`);
  for (const check of schema.checks) {
    const mapped = mappings.enums[key(check)];
    const allowed = checkedValues(check.definition);
    if (!mapped || !allowed) continue;
    const want = [...mapped.values].sort();
    const got = [...allowed].sort();
    if (want.join('\u0000') !== got.join('\u0000')) {
      problems.push(`${key(check)}: its CHECK allows [${got.join(', ')}] but ${mapped.type} is [${want.join(', ')}]`);
    }
  }
  for (const col of schema.columns) {
    try {
      baseType(col, mappings);
    } catch (err) {
      if (!(err instanceof SchemaMismatch)) throw err;
      problems.push(err.message);
    }
  }
  return problems;
}

const byName = (a: string, b: string) => a.localeCompare(b, 'en');

/** `import type { … } from '…';`, one name a line when it would be long. */
function importLine(names: string[], from: string): string {
  const sorted = [...names].sort(byName);
  const line = `import type { ${sorted.join(', ')} } from '${from}';`;
  return line.length <= 160 ? line : `import type {\n${sorted.map((n) => `  ${n},`).join('\n')}\n} from '${from}';`;
}

/** The text of db/types.ts for this schema: tables sorted by name, columns in table order. */
export function renderTypes(schema: SchemaInfo, mappings: ColumnMappings = DEFAULT_MAPPINGS): string {
  const problems = checkMappings(schema, mappings);
  if (problems.length > 0) throw new Error(`db/types.ts cannot be generated:\n- ${problems.join('\n- ')}`);

  const tables = new Map<string, ColumnInfo[]>();
  for (const col of [...schema.columns].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0))) {
    const list = tables.get(col.table) ?? [];
    list.push(col);
    tables.set(col.table, list);
  }

  const body: string[] = [];
  const enumTypes = new Set<string>();
  const kyselyTypes = new Set(['ColumnType', 'Insertable', 'Selectable']);
  let usesGenerated = false;
  for (const [table, cols] of tables) {
    body.push(...docComment(cols[0]!.tableComment, ''));
    body.push(`export interface ${pascal(table)}Table {`);
    for (const col of cols) {
      const type = columnType(col, mappings);
      const mapped = mappings.enums[key(col)];
      if (mapped) enumTypes.add(mapped.type);
      if (type.startsWith('GeneratedAlways<')) kyselyTypes.add('GeneratedAlways');
      if (type.startsWith('Generated<')) usesGenerated = true;
      body.push(...docComment(col.comment, '  '));
      body.push(`  ${col.column}: ${type};`);
    }
    body.push('}', '');
  }
  body.push('export interface Database {');
  for (const table of tables.keys()) body.push(`  ${table}: ${pascal(table)}Table;`);
  body.push('}', '');

  const aliases = [
    ['User', 'Selectable', 'users'],
    ['NewUser', 'Insertable', 'users'],
    ['Region', 'Selectable', 'regions'],
  ].filter(([, , table]) => tables.has(table!));
  for (const [name, kind, table] of aliases) body.push(`export type ${name} = ${kind}<${pascal(table!)}Table>;`);

  const sorted = (names: Set<string>) => [...names].sort(byName).join(', ');
  const head = [
    '// Generated by `pnpm db:types` from the migrated schema (server/src/db/codegen/generate.ts): do not edit.',
    '// The closed sets of text columns are written in db/enums.ts and applied by db/codegen/column-types.ts.',
    `import type { ${sorted(kyselyTypes)} } from 'kysely';`,
    ...(enumTypes.size > 0 ? [importLine([...enumTypes], './enums')] : []),
    '',
    "export * from './enums';",
    '',
    '/** timestamptz: read as a Date by both drivers; written as a Date or an ISO string. */',
    'type Timestamp = ColumnType<Date, Date | string, Date | string>;',
    '/** A created_at with a default: set by the database on insert, never updated. */',
    'type CreatedAt = ColumnType<Date, Date | string | undefined, never>;',
    '/** json/jsonb: read parsed; written as JSON text (JSON.stringify), so an array is not taken for a Postgres array. */',
    'type Json<T = unknown> = ColumnType<T, string, string>;',
    ...(usesGenerated
      ? [
          "/** A column with a default: may be left out on insert. Unlike kysely's own, it keeps a ColumnType's insert and update types. */",
          'type Generated<T> = T extends ColumnType<infer S, infer I, infer U> ? ColumnType<S, I | undefined, U> : ColumnType<T, T | undefined, T>;',
        ]
      : []),
    '',
  ];
  return [...head, ...body].join('\n') + '\n';
}

/** Introspect `db` (migrated) and render db/types.ts. */
export async function generateDbTypes(db: Executor, mappings?: ColumnMappings): Promise<string> {
  return renderTypes(await introspect(db), mappings);
}
