import type { Role } from '../../db/types';
import { demoSeedStep } from '../module';
import { DEMO_OPERATORS, stationsDemo } from '../stations/stations.demo';
import { SYSTEM_ACTOR } from './actor';
import { hashPassword } from './password';
import { createUserWithPasswordHash, updateUser } from './users.service';

/** The one published password of every demo login (not the first-start admin's). */
export const DEMO_PASSWORD = 'Demo@2026';

/** One demo user per role (the admin is the first-start `admin`). Coordinators work two towns. */
export const DEMO_USERS: { loginName: string; displayName: string; role: Role; mobile: string; townCodes?: string[] }[] = [
  { loginName: 'demo.staff', displayName: '王晓红（商务局）', role: 'staff', mobile: '13800000001' },
  { loginName: 'demo.station', displayName: '李建国（站点）', role: 'station_operator', mobile: '13800000002' },
  { loginName: 'demo.trainer', displayName: '张敏（培训）', role: 'training_coordinator', mobile: '13800000003', townCodes: ['370481101000', '370481102000'] },
  { loginName: 'demo.live', displayName: '刘洋（直播基地）', role: 'livestream_manager', mobile: '13800000004' },
];

/**
 * The demo logins: DEMO_USERS, then the station operators with the stations the stations step gave
 * them. Returns the logins this run created.
 */
export const authDemo = demoSeedStep('auth', async (ctx) => {
  const { db } = ctx;
  const stations = stationsDemo.resultIn(ctx);
  const created: string[] = [];
  let demoHash: string | undefined;
  for (const u of [...DEMO_USERS, ...DEMO_OPERATORS]) {
    const scopes = u.role === 'station_operator' ? { stations: stations.scopeIds.get(u.loginName) ?? [] } : 'townCodes' in u && u.townCodes ? { regions: u.townCodes } : {};
    const exists = await db.selectFrom('users').select(['id', 'display_name', 'mobile', 'role']).where('login_name', '=', u.loginName).executeTakeFirst();
    if (exists) {
      // An operator made before the stations existed gets them now, once.
      const unscoped = async () => !(await db.selectFrom('user_scopes').select('ref').where('user_id', '=', exists.id).executeTakeFirst());
      if (stations.created && exists.role === 'station_operator' && (await unscoped())) {
        await updateUser({ db, who: SYSTEM_ACTOR }, { id: exists.id, displayName: exists.display_name, mobile: exists.mobile, role: exists.role, scopes });
      }
      continue;
    }
    // the demo's one published password would not pass the policy for chosen ones; it is set as a hash
    demoHash ??= await hashPassword(DEMO_PASSWORD);
    await createUserWithPasswordHash(
      { db, who: SYSTEM_ACTOR },
      { loginName: u.loginName, displayName: u.displayName, mobile: u.mobile, role: u.role, scopes, mustChangePassword: false, passwordHash: demoHash },
    );
    created.push(u.loginName);
  }
  return { users: created };
});
