import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageParams } from '../../i18n/messages';

/**
 * What a password someone chooses must be (created users, resets, changes, ADMIN_PASSWORD): long
 * enough, not one of the passwords attackers try first, and not built from the login name. Pure, so
 * the configuration check at start uses the same rule as the services.
 */
export const PASSWORD_MIN_LENGTH = 10;

export type PasswordProblem =
  | { code: 'AUTH_PASSWORD_TOO_WEAK'; params: MessageParams }
  | { code: 'AUTH_PASSWORD_TOO_COMMON'; params: MessageParams }
  | { code: 'AUTH_PASSWORD_CONTAINS_LOGIN'; params: MessageParams };

let common: Set<string> | undefined;

/** zxcvbn-ts's list of ≈49,000 passwords seen most often in leaks (MIT), lower-cased once on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** "Password123!" → "password": the word left when the digits and symbols people pad it with are taken off. */
const core = (lower: string) => lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');

export function passwordProblem(password: string, loginName: string): PasswordProblem | null {
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((kind) => kind.test(password)).length;
  if ([...password].length < PASSWORD_MIN_LENGTH || kinds < 2) return { code: 'AUTH_PASSWORD_TOO_WEAK', params: { min: PASSWORD_MIN_LENGTH } };
  const lower = password.toLowerCase();
  const padded = core(lower);
  if (commonPasswords().has(lower) || (padded !== '' && commonPasswords().has(padded))) return { code: 'AUTH_PASSWORD_TOO_COMMON', params: {} };
  const login = loginName.trim().toLowerCase();
  if (login !== '' && lower.includes(login)) return { code: 'AUTH_PASSWORD_CONTAINS_LOGIN', params: {} };
  return null;
}
