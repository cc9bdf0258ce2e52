import { NO_LEDGER_FIGURES } from '@cuntong/server/modules/stations/stations.schemas';
import type { Harness } from '../support/harness';

export const COUNTY = '370481000000';
export const HONGXU = '370481101000';
export const NANSHAHE = '370481102000';
export const OTHER_COUNTY = '370402000000'; // 薛城区
export const OTHER_COUNTY_TOWN = '370402001000';

/** Villages with known kinds: 洪绪镇 201–204 (村委会) and 001 (社区); 南沙河镇 201–202. */
export async function addVillages(h: Harness) {
  const villages = [
    ['370481101201', HONGXU, '张庄村'],
    ['370481101202', HONGXU, '王楼村'],
    ['370481101203', HONGXU, '李屯村'],
    ['370481101204', HONGXU, '后刘村'],
    ['370481101001', HONGXU, '洪绪社区'],
    ['370481102201', NANSHAHE, '南村'],
    ['370481102202', NANSHAHE, '北村'],
  ] as const;
  await h.db
    .insertInto('regions')
    .values(
      villages.map(([code, parent, name]) => ({
        code,
        name,
        level: 'village' as const,
        parent_code: parent,
        village_kind: Number(code.slice(-3)) < 200 ? ('residents_committee' as const) : ('villagers_committee' as const),
      })),
    )
    .execute();
}

/** The county centre, two town stations and active village points in three of 洪绪镇's villages. */
export async function buildStations(h: Harness, adminCaller: ReturnType<Harness['caller']>) {
  const base = { address: null, lat: null, lng: null, phone: null, openedOn: '2025-01-01', services: [], duplicateOverrideReason: null };
  const center = await adminCaller.stations.create({ ...base, code: 'TZ-C', name: '滕州市电商公共服务中心', tier: 'county_center', regionCode: COUNTY, parentId: null, status: 'active', statusSince: '2025-01-01' });
  const hongxu = await adminCaller.stations.create({ ...base, code: 'TZ-T101', name: '洪绪镇服务站', tier: 'town_station', regionCode: HONGXU, parentId: center.id, status: 'active', statusSince: '2025-01-01' });
  const nanshahe = await adminCaller.stations.create({ ...base, code: 'TZ-T102', name: '南沙河镇服务站', tier: 'town_station', regionCode: NANSHAHE, parentId: center.id, status: 'active', statusSince: '2025-01-01' });
  const point = (code: string, village: string, name: string) =>
    adminCaller.stations.create({ ...base, code, name, tier: 'village_point', regionCode: village, parentId: hongxu.id, status: 'active', statusSince: '2025-01-01', phone: '13900000000' });
  const zhang = await point('TZ-V101201', '370481101201', '张庄村服务点');
  const wang = await point('TZ-V101202', '370481101202', '王楼村服务点');
  const li = await point('TZ-V101203', '370481101203', '李屯村服务点');
  return { center, hongxu, nanshahe, zhang, wang, li };
}

/** A ledger day with every figure 0. */
export const zeroFigures = NO_LEDGER_FIGURES;
