import crypto from 'node:crypto';
import { toHalfWidth } from './text';

/**
 * The 18-character resident ID-card number (居民身份证号码, GB 11643-1999): 6-digit division code,
 * 8-digit birth date, 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2
 * check character (0–9 or X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export interface IdCard {
  /** The 18 characters, upper-case X. */
  number: string;
  birthDate: string;
  gender: 'male' | 'female';
  last4: string;
}

export type IdCardProblem = 'format' | 'birth_date' | 'checksum';

/** The check character the first 17 digits call for. */
export function idCardCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Parse an ID-card number as typed (spaces, full-width digits, lower-case x); today bounds the birth date. */
export function parseIdCard(raw: string, today: string): IdCard | IdCardProblem {
  const text = toHalfWidth(raw).replace(/\s/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(text)) return 'format';
  const birth = `${text.slice(6, 10)}-${text.slice(10, 12)}-${text.slice(12, 14)}`;
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth || birth < '1900-01-01' || birth > today) return 'birth_date';
  if (idCardCheckChar(text.slice(0, 17)) !== text[17]) return 'checksum';
  return { number: text, birthDate: birth, gender: Number(text[16]) % 2 === 1 ? 'male' : 'female', last4: text.slice(-4) };
}

/**
 * What is stored of an ID-card number: a keyed hash (HMAC-SHA256 under a secret kept in the
 * database), enough to recognise the same person again and never enough to recover the number.
 */
export function idCardHash(key: Buffer, number: string): string {
  return crypto.createHmac('sha256', key).update(number).digest('hex');
}
