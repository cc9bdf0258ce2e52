import type { Db } from '@cuntong/server/db/create-db';
import type { Role } from '@cuntong/server/db/types';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { hashPassword } from '@cuntong/server/modules/auth/password';
import { createUserWithPasswordHash, type ScopeRefs } from '@cuntong/server/modules/auth/users.service';

let counter = 0;

/**
 * A user with sensible defaults, created through the same service the admin uses (so it is audited).
 * The password is stored as its hash, past the policy people's choices go through: tests state the
 * passwords they need (the policy has tests of its own, in tests/auth).
 */
export async function insertUser(
  db: Db,
  overrides: { loginName?: string; displayName?: string; role?: Role; password?: string; mobile?: string | null; scopes?: ScopeRefs } = {},
) {
  counter += 1;
  const role = overrides.role ?? 'staff';
  const password = overrides.password ?? 'Passw0rd!';
  const user = await createUserWithPasswordHash({ db, who: SYSTEM_ACTOR }, {
    passwordHash: await hashPassword(password),
    loginName: overrides.loginName ?? `${role.replace(/_/g, '-')}-${process.pid}-${counter}`.slice(0, 32),
    displayName: overrides.displayName ?? `测试用户${counter}`,
    mobile: overrides.mobile ?? null,
    role,
    scopes: overrides.scopes,
    mustChangePassword: false,
  });
  return { ...user, password };
}
