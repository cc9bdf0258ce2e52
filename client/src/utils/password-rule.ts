/**
 * The server's first password rule (server/src/modules/auth/password-policy.ts), checked before a
 * form is sent. The common-password list and the login name are checked only there, and its message
 * says so.
 */
export const PASSWORD_MIN_LENGTH = 10;

export function longAndMixed(password: string): boolean {
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((kind) => kind.test(password)).length;
  return [...password].length >= PASSWORD_MIN_LENGTH && kinds >= 2;
}
