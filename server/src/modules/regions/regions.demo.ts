import { createRandom, type Random } from '../../lib/random';
import { recordAudit } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { demoSeedStep } from '../module';
import { villageKindOf } from './regions.codes';
import { computeRegionRollups } from './regions.metrics';
import { importRegionsAudited } from './regions.service';

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

/**
 * The demo's regions: the real divisions, villages under each town of the demo county (audited
 * once, when new), and the coverage denominators the nightly rollup would write.
 */
export const regionsDemo = demoSeedStep('regions', async ({ db, seed, countyCode }) => {
  const regions = await importRegionsAudited(db, SYSTEM_ACTOR);
  const towns = await db.selectFrom('regions').select(['code', 'township_kind']).where('parent_code', '=', countyCode).orderBy('code').execute();
  const villages = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('regions')
      .values(demoVillages(towns, seed))
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('code')
      .execute();
    if (rows.length) {
      await recordAudit(trx, SYSTEM_ACTOR, { entity: 'region', entityId: countyCode, action: 'seed_villages', after: { villages: rows.length, seed } });
    }
    return rows.length;
  });
  await computeRegionRollups(db);
  return { regionsInserted: regions.inserted, villages };
});
