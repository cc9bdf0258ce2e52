import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../../lib/app-error';
import { passwordProblem } from './password-policy';

/** argon2id with the library's defaults (19 MiB, t=2), which OWASP lists as a sound minimum. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let verifications = 0;

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  verifications += 1;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** How many argon2 verifications this process has run: lets a test see that an unknown login name costs one too. */
export const passwordVerifications = () => verifications;

let dummyHash: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, made once per process (main.ts makes it at start). A
 * login name that does not exist is checked against it, so it costs the same argon2 work as a wrong
 * password and cannot be told apart by its answer time.
 */
export function unknownUserHash(): Promise<string> {
  dummyHash ??= hash(crypto.randomBytes(24).toString('base64url'));
  return dummyHash;
}

/** Refuses a password that breaks the policy (password-policy.ts), saying what is needed. */
export function assertStrongPassword(password: string, loginName: string): void {
  const problem = passwordProblem(password, loginName);
  if (problem) throw badRequest(problem.code, problem.params);
}

/** A readable one-time password (no 0/O/1/l/I) with letters and digits that passes the policy for this login name. */
export function generatePassword(loginName: string, length = 12): string {
  const letters = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const all = letters + digits;
  const pick = (set: string) => set[crypto.randomInt(set.length)];
  for (;;) {
    const chars = [pick(letters), pick(digits)];
    while (chars.length < length) chars.push(pick(all));
    for (let i = chars.length - 1; i > 0; i--) {
      const j = crypto.randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const password = chars.join('');
    // about one in twenty thousand contains a short login name by chance: draw again
    if (!passwordProblem(password, loginName)) return password;
  }
}
