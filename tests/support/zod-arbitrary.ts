import fc from 'fast-check';

/**
 * fast-check arbitraries from a procedure's zod 4 input schema, by walking its definition (`_zod.def`):
 * objects, arrays, records, unions, enums, literals, optional/nullable/default wrappers, pipes (the
 * input side) and strings and numbers with their checks (lengths, bounds, int, regex, datetime, url).
 * Schemas met by identity in `known` (the shared building blocks: ids, days, region codes…) take
 * the arbitrary given there, so generated calls name rows that exist and reach the services.
 *
 * `hostile` then breaks one spot of such an input the ways a careless or hostile client would.
 */

type Def = { type: string; [key: string]: any };
type Check = { check: string; [key: string]: any };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): Check[] => (def.checks ?? []).map((c: { _zod: { def: Check } }) => c._zod.def);

/** Strings longer than this are generated only by `hostile`: long text is one of its cases. */
const MAX_GENERATED_LENGTH = 24;
const OPTIONAL_TYPES = new Set(['optional', 'default', 'prefault']);

export function arbitraryFor(schema: unknown, known: Map<unknown, fc.Arbitrary<unknown>>, depth = 0): fc.Arbitrary<unknown> {
  const hit = known.get(schema);
  if (hit) return hit;
  if (depth > 12) return fc.constant(undefined);
  const def = defOf(schema);
  const inner = (s: unknown) => arbitraryFor(s, known, depth + 1);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const model = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, OPTIONAL_TYPES.has(defOf(s).type) ? inner(defOf(s).innerType) : inner(s)]));
      const requiredKeys = Object.keys(shape).filter((k) => !OPTIONAL_TYPES.has(defOf(shape[k]).type));
      return fc.record(model, { requiredKeys });
    }
    case 'optional':
    case 'default':
    case 'prefault':
      return fc.option(inner(def.innerType), { nil: undefined, freq: 4 });
    case 'nullable':
      return fc.option(inner(def.innerType), { nil: null, freq: 4 });
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'array': {
      const { min, max } = lengths(checksOf(def));
      return fc.array(inner(def.element), { minLength: min, maxLength: Math.max(min, Math.min(max, 4)) });
    }
    case 'record': {
      const keys = defOf(def.keyType).type === 'enum' ? fc.constantFrom(...Object.values(defOf(def.keyType).entries as Record<string, string>)) : fc.string({ maxLength: 8 });
      return fc.dictionary(keys as fc.Arbitrary<string>, inner(def.valueType), { maxKeys: 4 });
    }
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'boolean':
      return fc.boolean();
    case 'number':
      return numberArbitrary(checksOf(def));
    case 'string':
      return stringArbitrary(def);
    case 'undefined':
    case 'void':
      return fc.constant(undefined);
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue();
  }
}

function lengths(checks: Check[]): { min: number; max: number } {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const c of checks) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum);
    if (c.check === 'max_length') max = Math.min(max, c.maximum);
    if (c.check === 'length_equals') min = max = c.length;
  }
  return { min, max };
}

function numberArbitrary(checks: Check[]): fc.Arbitrary<number> {
  let min = -1e12;
  let max = 1e12;
  let int = false;
  let step: number | null = null;
  for (const c of checks) {
    if (c.check === 'greater_than') min = c.inclusive ? c.value : c.value + (int ? 1 : 1e-9);
    if (c.check === 'less_than') max = c.inclusive ? c.value : c.value - (int ? 1 : 1e-9);
    if (c.check === 'number_format') int = true;
    if (c.check === 'multiple_of') step = c.value;
  }
  if (step !== null) {
    const s = step;
    return fc.integer({ min: Math.ceil(min / s), max: Math.floor(Math.min(max, 1e12) / s) }).map((n) => Math.round(n * s * 100) / 100);
  }
  if (!int) return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const lo = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
  const hi = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
  // mostly small numbers (pages, counts, ids that exist), sometimes anywhere in range
  return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: lo, max: Math.max(lo, Math.min(hi, lo + 40)) }) }, { weight: 1, arbitrary: fc.integer({ min: lo, max: hi }) });
}

function stringArbitrary(def: Def): fc.Arbitrary<string> {
  const checks = checksOf(def);
  const { min, max } = lengths(checks);
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (def.format === 'datetime') return fc.date({ min: new Date('2024-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (def.format === 'url') return fc.webUrl().filter(fits);
  const pattern = checks.find((c) => c.check === 'string_format' && c.format === 'regex')?.pattern as RegExp | undefined;
  if (pattern) return fc.stringMatching(pattern).filter(fits);
  const maxLength = Math.max(min, Math.min(max, MAX_GENERATED_LENGTH));
  return fc.oneof(
    fc.string({ minLength: min, maxLength, unit: 'grapheme' }),
    fc.string({ minLength: Math.max(min, 1), maxLength, unit: fc.constantFrom(...'张王李洪绪南沙河镇村电商直播培训学员 abc123-_.') }),
  );
}

// ---- hostile mutations ---------------------------------------------------------------------------

/** What a careless or hostile client puts in one spot of an otherwise well-formed input. */
export const HOSTILE_VALUES: readonly unknown[] = [
  'a\u0000b',
  '\uD800',
  'x\uDFFF',
  2 ** 31,
  -1,
  0,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  '2026-02-30',
  '2026-13-01',
  '24:00',
  'x'.repeat(100_000),
  '',
  '   ',
  null,
  true,
  42,
  'abc',
  [],
  {},
  [null],
  JSON.parse('{"__proto__":{"polluted":true}}'),
];

type Path = (string | number)[];

function spots(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => spots(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) spots(v, [...path, k], out);
  return out;
}

function replaced(value: unknown, path: Path, by: { drop: true } | { set: unknown } | { key: string }): unknown {
  if (path.length === 0) return 'set' in by ? by.set : value;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path;
  if (rest.length === 0) {
    if ('drop' in by) {
      if (Array.isArray(copy)) copy.splice(Number(head), 1);
      else delete copy[head];
    } else if ('key' in by) {
      copy[by.key] = copy[head];
      delete copy[head];
    } else copy[head] = by.set;
    return copy;
  }
  copy[head] = replaced(copy[head], rest, by);
  return copy;
}

/** A valid-looking input with one spot broken: a hostile value put in, the spot dropped, or its key renamed. */
export function hostile(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((input) => {
    const all = spots(input);
    return fc.tuple(fc.nat({ max: all.length - 1 }), fc.nat({ max: HOSTILE_VALUES.length + 1 })).map(([spot, how]) => {
      const path = all[spot];
      if (how === HOSTILE_VALUES.length) return path.length ? replaced(input, path, { drop: true }) : undefined;
      if (how === HOSTILE_VALUES.length + 1) return path.length ? replaced(input, path, { key: 'k\u0000' }) : JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}');
      return replaced(input, path, { set: HOSTILE_VALUES[how] });
    });
  });
}

