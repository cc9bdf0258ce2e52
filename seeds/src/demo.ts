import type { Db } from '@cuntong/server/db/create-db';
import type { Role } from '@cuntong/server/db/types';
import { shanghaiToday } from '@cuntong/server/lib/dates';
import { recordAudit } from '@cuntong/server/modules/audit/audit.service';
import { SYSTEM_ACTOR } from '@cuntong/server/modules/auth/actor';
import { hashPassword } from '@cuntong/server/modules/auth/password';
import { createUserWithPasswordHash, updateUser } from '@cuntong/server/modules/auth/users.service';
import { villageKindOf } from '@cuntong/server/modules/regions/regions.codes';
import { computeRegionRollups } from '@cuntong/server/modules/regions/regions.metrics';
import { importRegionsAudited } from '@cuntong/server/modules/regions/regions.service';
import { TARGET_METRICS, targetValue, upsertTarget } from '@cuntong/server/modules/targets/targets.service';
import { computeStationMetrics } from '@cuntong/server/modules/stations/stations.metrics';
import { seedDemoLivestream, type DemoLivestreamResult } from './livestream-demo';
import { createRandom, type Random } from './random';
import { DEMO_OPERATORS, seedDemoStations } from './stations-demo';
import { seedDemoTraining, type DemoTrainingResult } from './training-demo';

/** The demo county: 滕州市, Shandong (370481), with its 21 real towns and subdistricts. */
export const DEMO_COUNTY_CODE = '370481000000';
export const DEMO_PASSWORD = 'Demo@2026';
export const DEFAULT_SEED = 20261128;

/** One demo user per role (the admin is the first-start `admin`). Coordinators work two towns. */
export const DEMO_USERS: { loginName: string; displayName: string; role: Role; mobile: string; townCodes?: string[] }[] = [
  { loginName: 'demo.staff', displayName: '王晓红（商务局）', role: 'staff', mobile: '13800000001' },
  { loginName: 'demo.station', displayName: '李建国（站点）', role: 'station_operator', mobile: '13800000002' },
  { loginName: 'demo.trainer', displayName: '张敏（培训）', role: 'training_coordinator', mobile: '13800000003', townCodes: ['370481101000', '370481102000'] },
  { loginName: 'demo.live', displayName: '刘洋（直播基地）', role: 'livestream_manager', mobile: '13800000004' },
];

const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '韩', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '褚', '孔', '颜', '鲍', '殷', '种', '荆'];
const PLACE_ENDINGS = ['庄', '楼', '屯', '集', '营', '店', '寨', '洼', '堂', '桥', '湖', '岭', '沟', '园', '坡', '官庄', '家庄', '家村', '家楼', '家洼'];
const PREFIXES = ['', '', '', '东', '西', '南', '北', '前', '后', '大', '小', '上', '下', '新'];
const COMMUNITY_WORDS = ['荆河', '龙泉', '善国', '文化', '新兴', '杏坛', '学院', '塔寺', '平行', '商城', '翰林', '春秋', '墨子', '鲁班', '光明'];

function villageName(rng: Random, used: Set<string>): string {
  for (;;) {
    const name = `${rng.pick(PREFIXES)}${rng.pick(SURNAMES)}${rng.pick(PLACE_ENDINGS)}村`;
    if (!used.has(name)) return used.add(name), name;
  }
}

function communityName(rng: Random, used: Set<string>): string {
  for (;;) {
    const name = `${rng.pick(COMMUNITY_WORDS)}${rng.pick(['', '东', '西', '南', '北', '新'])}社区`;
    if (!used.has(name)) return used.add(name), name;
  }
}

/**
 * Villages under each real town of the demo county: 15–40 per town, with valid codes — 居委会
 * (社区) numbered from 001 and 村委会 from 201, as the statistical code reserves them.
 */
export function demoVillages(towns: { code: string; township_kind: string | null }[], seed: number) {
  const rng = createRandom(seed);
  const rows: { code: string; name: string; level: 'village'; parent_code: string; village_kind: ReturnType<typeof villageKindOf> }[] = [];
  for (const town of towns) {
    const used = new Set<string>();
    const total = rng.int(15, 40);
    const communities = town.township_kind === 'subdistrict' ? rng.int(5, 10) : rng.int(1, 3);
    const prefix = town.code.slice(0, 9);
    for (let i = 1; i <= total; i++) {
      const isCommunity = i <= communities;
      const code = isCommunity ? `${prefix}${String(i).padStart(3, '0')}` : `${prefix}${200 + i - communities}`;
      rows.push({
        code,
        name: isCommunity ? communityName(rng, used) : villageName(rng, used),
        level: 'village',
        parent_code: town.code,
        village_kind: villageKindOf(code),
      });
    }
  }
  return rows;
}

export interface SeedSummary {
  regionsInserted: number;
  villages: number;
  /** Demo logins created by this run: DEMO_USERS, then the station operators. */
  users: string[];
  stations: number;
  ledgerEntries: number;
  training: DemoTrainingResult;
  livestream: DemoLivestreamResult;
}

/**
 * The demo county. Same seed and same `today` (default: today in Asia/Shanghai), same data; running
 * it again adds nothing.
 */
export async function seedDemo(db: Db, options: { seed?: number; year?: number; today?: string } = {}): Promise<SeedSummary> {
  const seed = options.seed ?? DEFAULT_SEED;
  const today = options.today ?? shanghaiToday();
  const year = options.year ?? Number(today.slice(0, 4));

  const regions = await importRegionsAudited(db, SYSTEM_ACTOR);
  const towns = await db
    .selectFrom('regions')
    .select(['code', 'township_kind'])
    .where('parent_code', '=', DEMO_COUNTY_CODE)
    .orderBy('code')
    .execute();
  const villages = demoVillages(towns, seed);
  const inserted = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('regions')
      .values(villages)
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('code')
      .execute();
    if (rows.length) {
      await recordAudit(trx, SYSTEM_ACTOR, { entity: 'region', entityId: DEMO_COUNTY_CODE, action: 'seed_villages', after: { villages: rows.length, seed } });
    }
    return rows.length;
  });

  const stations = await seedDemoStations(db, { countyCode: DEMO_COUNTY_CODE, seed, today });

  const created: string[] = [];
  let demoHash: string | undefined;
  for (const u of [...DEMO_USERS, ...DEMO_OPERATORS]) {
    const scopes = u.role === 'station_operator' ? { stations: stations.scopeIds.get(u.loginName) ?? [] } : 'townCodes' in u && u.townCodes ? { regions: u.townCodes } : {};
    const exists = await db.selectFrom('users').select(['id', 'display_name', 'mobile', 'role']).where('login_name', '=', u.loginName).executeTakeFirst();
    if (exists) {
      // An operator made before the stations existed gets them now, once.
      const unscoped = async () => !(await db.selectFrom('user_scopes').select('ref').where('user_id', '=', exists.id).executeTakeFirst());
      if (stations.created && exists.role === 'station_operator' && (await unscoped())) {
        await updateUser(db, SYSTEM_ACTOR, { id: exists.id, displayName: exists.display_name, mobile: exists.mobile, role: exists.role, scopes });
      }
      continue;
    }
    // the demo's one published password would not pass the policy for chosen ones; it is set as a hash
    demoHash ??= await hashPassword(DEMO_PASSWORD);
    await createUserWithPasswordHash(db, SYSTEM_ACTOR, { loginName: u.loginName, displayName: u.displayName, mobile: u.mobile, role: u.role, scopes, mustChangePassword: false }, demoHash);
    created.push(u.loginName);
  }

  for (const metricKey of ['training_person_times', 'active_hosts'] as const) {
    if ((await targetValue(db, year, DEMO_COUNTY_CODE, metricKey)) === null) {
      await upsertTarget(db, SYSTEM_ACTOR, { year, regionCode: DEMO_COUNTY_CODE, metricKey, value: TARGET_METRICS[metricKey].default });
    }
  }
  await computeRegionRollups(db);
  // What the nightly job would write, so quiet stations and the town ranking show at first start.
  if (stations.created) await computeStationMetrics(db, { asOf: today });
  const training = await seedDemoTraining(db, { countyCode: DEMO_COUNTY_CODE, seed, today });
  // after training: some hosts are the demo's livestream trainees
  const livestream = await seedDemoLivestream(db, { countyCode: DEMO_COUNTY_CODE, seed, today });
  return { regionsInserted: regions.inserted, villages: inserted, users: created, stations: stations.stations, ledgerEntries: stations.ledgerEntries, training, livestream };
}
