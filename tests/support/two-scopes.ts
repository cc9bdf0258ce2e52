import { shanghaiToday } from '@cuntong/server/lib/dates';
import type { Role } from '@cuntong/server/db/types';
import { addVillages, buildStations, HONGXU, NANSHAHE, zeroFigures } from '../stations/fixture';
import { courseInput } from '../training/course-fixture';
import { hostInput, streamInput, twoBases } from '../livestream/fixture';
import { sheetXlsx } from './hostile-xlsx';
import type { Harness } from './harness';

/**
 * Two of every scope, for tests that call procedures from inside one and aim at the other: 洪绪镇 is
 * "ours" (the coordinator's town, the operator's village point 张庄村服务点, the manager's base 洪绪直播基地),
 * 南沙河镇 is "theirs" (its town station, a course with a session and a trainee of its own, the
 * base 南沙河直播基地 with a host and a stream). Every row of theirs carries a name found nowhere in ours
 * (`theirMarkers`), so a list that leaks one is caught by text alone.
 */
export async function buildTwoScopes(h: Harness) {
  const today = shanghaiToday();
  const adminUser = await h.user('admin');
  const admin = h.caller(adminUser.actor);
  await addVillages(h);
  const stations = await buildStations(h, admin);
  const ledgerNote = { zhang: '张庄台账', nanshahe: '南沙河台账' };
  await admin.stations.ledger.upsert({ ...zeroFigures, parcelsIn: 3, stationId: stations.zhang.id, date: today, note: ledgerNote.zhang });
  await admin.stations.ledger.upsert({ ...zeroFigures, parcelsIn: 5, stationId: stations.nanshahe.id, date: today, note: ledgerNote.nanshahe });

  // training: a course with a session today and one trainee in each town
  const session = { date: today, startsAt: '00:00', endsAt: '23:59', venue: null };
  const ourCourse = await admin.training.courses.create(courseInput(HONGXU, '洪绪电商班'));
  const ourSession = await admin.training.sessions.add({ courseId: ourCourse.id, ...session });
  const theirCourse = await admin.training.courses.create(courseInput(NANSHAHE, '南沙河电商班'));
  const theirSession = await admin.training.sessions.add({ courseId: theirCourse.id, ...session });
  const walkIn = async (sessionId: number, name: string, mobile: string, villageCode: string) => {
    const answer = await admin.training.attendance.checkIn({ sessionId, walkIn: { name, mobile, villageCode, tags: [] } });
    if (!('trainee' in answer)) throw new Error(`walk-in ${name} not checked in: ${answer.status}`);
    return answer.trainee;
  };
  const ourTrainee = await walkIn(ourSession.id, '洪绪学员甲', '13900001111', '370481101201');
  const theirTrainee = await walkIn(theirSession.id, '南沙河学员乙', '13900002222', '370481102201');
  const theirTwin = await walkIn(theirSession.id, '南沙河学员乙', '13900003333', '370481102201');
  await admin.training.outcomes.record({ traineeId: theirTrainee.id, kind: 'shop_opened', occurredOn: today, platform: '淘宝', shopUrl: null, amountFen: null, evidence: '南沙河网店' });

  // livestream: a host with a stream in each base
  const bases = await twoBases(h);
  const ourHost = (await admin.livestream.hosts.create(hostInput(bases.hongxu.id, '洪绪主播甲', '13800001111', [{ platform: 'taobao', accountId: 'hongxu-a' }]))).host;
  const theirHost = (await admin.livestream.hosts.create(hostInput(bases.nanshahe.id, '南沙河主播乙', '13800002222', [{ platform: 'taobao', accountId: 'nanshahe-b' }]))).host;
  const streamDay = { startDate: today, startTime: '00:01' };
  const ourStream = (await admin.livestream.streams.create(streamInput(ourHost.id, { ...streamDay, mainProducts: '洪绪马铃薯' }))).stream;
  const theirStream = (await admin.livestream.streams.create(streamInput(theirHost.id, { ...streamDay, mainProducts: '南沙河粉条' }))).stream;

  // courier: a hub at 南沙河镇's station (theirs) with a vehicle, a route and today's run; the operator is no hub's staff
  const zto = await h.db.selectFrom('courier_carriers').select('id').where('code', '=', 'zto').executeTakeFirstOrThrow();
  const theirHub = await admin.courier.hubs.create({ name: '南沙河镇快递共配站', stationId: stations.nanshahe.id });
  await admin.courier.hubs.setCarrier({ hubId: theirHub.id, carrierId: zto.id, fromDate: today, toDate: null });
  const theirVehicle = await admin.courier.vehicles.create({ hubId: theirHub.id, plate: '鲁D·N0001', kind: 'van', capacityParcels: 300, capacityKg: null, driverName: '南沙河司机', driverMobile: '13900005555', costPerKmFen: 150, costPerDayFen: 0, speedKmh: 40 });
  const theirRoute = await admin.courier.routes.create({ hubId: theirHub.id, name: '南沙河共配线' });
  const routeStops = [{ stationId: stations.wang.id, plannedAt: '09:00' }];
  await admin.courier.routes.saveVersion({ routeId: theirRoute.id, effectiveFrom: today, vehicleId: theirVehicle.id, days: [1, 2, 3, 4, 5, 6, 7], departAt: '08:00', serviceMinutes: 5, stops: routeStops });
  const theirRun = { routeId: theirRoute.id, runDate: today, departedAt: '08:00', returnedAt: null, km: null, costFen: 0, subsidyFen: 0, note: '南沙河车次', clientKey: crypto.randomUUID(), stops: [{ stationId: stations.wang.id, arrivedAt: '09:05', missed: false, missedReason: null, parcels: [{ carrierId: zto.id, delivered: 7, collected: 1 }] }] };
  await admin.courier.runs.save(theirRun);

  // the scoped users, each inside "ours"
  const users = {
    admin: adminUser,
    staff: bases.staffUser,
    station_operator: await h.user('station_operator', { scopes: { stations: [String(stations.zhang.id)] } }),
    training_coordinator: await h.user('training_coordinator', { scopes: { regions: [HONGXU] } }),
    livestream_manager: bases.managerUser,
  } satisfies Record<Role, { actor: unknown }>;

  /** Names of rows outside each scoped role's scope: none may appear in what that role is shown. */
  const theirMarkers: Record<'station_operator' | 'training_coordinator' | 'livestream_manager', string[]> = {
    station_operator: ['王楼村服务点', '李屯村服务点', '南沙河镇服务站', ledgerNote.nanshahe, '南沙河镇快递共配站', '南沙河共配线', '鲁D·N0001', '南沙河司机'],
    training_coordinator: ['南沙河电商班', '南沙河学员乙', '南沙河网店', '南沙河镇服务站', ledgerNote.nanshahe],
    livestream_manager: ['南沙河直播基地', '南沙河主播乙', '南沙河粉条', 'nanshahe-b'],
  };

  /** A one-row sheet of each import, naming only rows of theirs. */
  const files = {
    ledger: sheetXlsx([
      ['站点编码', '日期', '收件数'],
      [stations.nanshahe.code, today, '1'],
    ]).toString('base64'),
    signIn: sheetXlsx([
      ['姓名', '手机号', '日期'],
      ['南沙河学员丙', '13900004444', today],
    ]).toString('base64'),
    streams: sheetXlsx([
      ['开播时间', '直播时长', '观看人数'],
      [`${today} 08:00:00`, '01:00:00', '10'],
    ]).toString('base64'),
    stations: sheetXlsx([
      ['站点编码', '站点名称', '层级', '所在区划代码', '上级站点编码'],
      ['TZ-V102201', '南村服务点', '村级服务点', '370481102201', stations.nanshahe.code],
    ]).toString('base64'),
  };

  return {
    today,
    admin,
    users,
    stations: { ours: stations.zhang, ourTown: stations.hongxu, theirs: stations.nanshahe, all: stations },
    training: { ourCourse, ourSession, theirCourse, theirSession, ourTrainee, theirTrainee, theirTwin },
    livestream: { ourBase: bases.hongxu, theirBase: bases.nanshahe, ourHost, theirHost, ourStream, theirStream },
    courier: { theirHub, theirVehicle, theirRoute, theirRun, routeStops, carrierId: zto.id },
    theirMarkers,
    files,
  };
}
export type TwoScopes = Awaited<ReturnType<typeof buildTwoScopes>>;
