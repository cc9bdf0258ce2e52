import type { RegionLevel, TownshipKind, VillageKind } from '../../db/types';

/**
 * The 12-digit statistical division code (统计用区划代码): province 2 digits, city 2, county 2,
 * township 3, village 3. Shorter codes from the published lists are padded with zeros.
 */
export function padCode(code: string): string {
  return code.padEnd(12, '0');
}

/** Digits 7–9: 街道 001–099, 镇 100–199, 乡 200–399, other town-like units 400 and above. */
export function townshipKindOf(code: string): TownshipKind {
  const n = Number(code.slice(6, 9));
  if (n < 100) return 'subdistrict';
  if (n < 200) return 'town';
  if (n < 400) return 'township';
  return 'other';
}

/** Digits 10–12: 居委会 001–199, 村委会 200–399 (the administrative villages), other units 400 and above. */
export function villageKindOf(code: string): VillageKind {
  const n = Number(code.slice(9, 12));
  if (n < 200) return 'residents_committee';
  if (n < 400) return 'villagers_committee';
  return 'other';
}

export function levelOf(code: string): RegionLevel {
  if (code.endsWith('0000000000')) return 'province';
  if (code.endsWith('00000000')) return 'city';
  if (code.endsWith('000000')) return 'county';
  if (code.endsWith('000')) return 'town';
  return 'village';
}

/** The 9-digit prefix a village's code must start with: its town's code without the trailing 000. */
export const townPrefixOf = (townCode: string) => townCode.slice(0, 9);
