import type { Harness } from '../support/harness';

export const HONGXU = '370481101000'; // 洪绪镇
export const NANSHAHE = '370481102000'; // 南沙河镇
export const OTHER_COUNTY_TOWN = '370402001000'; // 薛城区: not the home county

export const baseInput = (name: string, regionCode = HONGXU) => ({ name, address: `${name}一楼`, regionCode, rooms: 6, capacity: 40 });

export const hostInput = (baseId: number, name: string, mobile: string, accounts: { platform: 'taobao' | 'douyin' | 'kuaishou' | 'wechat_channels' | 'pinduoduo' | 'other'; accountId: string; handle?: string | null; id?: number }[] = []) => ({
  name,
  mobile,
  villageCode: null,
  baseId,
  status: 'active' as const,
  joinedOn: '2026-03-01',
  accounts: accounts.map((a) => ({ handle: null, ...a })),
});

export const streamInput = (hostId: number, overrides: Record<string, unknown> = {}) => ({
  hostId,
  platform: 'taobao' as const,
  startDate: '2026-11-20',
  startTime: '19:30',
  durationMinutes: 95,
  viewers: 1200,
  peakViewers: 180,
  newFollowers: 35,
  orders: 42,
  buyers: 40,
  gmvFen: 356_780,
  farmProducts: true,
  mainProducts: '滕州马铃薯',
  ...overrides,
});

/** Two bases (洪绪 and 南沙河) made by staff, and a manager of the first who can log in over HTTP. */
export async function twoBases(h: Harness) {
  const staffUser = await h.user('staff');
  const staff = h.caller(staffUser.actor);
  const hongxu = await staff.livestream.bases.create(baseInput('洪绪直播基地'));
  const nanshahe = await staff.livestream.bases.create(baseInput('南沙河直播基地', NANSHAHE));
  const managerUser = await h.user('livestream_manager', { loginName: 'liu.yang', password: 'Zhibo#2026', scopes: { bases: [String(hongxu.id)] } });
  return { staffUser, staff, hongxu, nanshahe, managerUser, manager: h.caller(managerUser.actor) };
}
