import { sheetXlsx } from '../support/hostile-xlsx';
import { zeroFigures, NANSHAHE } from '../stations/fixture';
import { courseInput } from '../training/course-fixture';
import { hostInput, streamInput } from '../livestream/fixture';
import type { TwoScopes } from '../support/two-scopes';

/**
 * The row scope of every procedure (issue 10, item 7), beside the role lists of access.test.ts:
 * how to aim a call at rows outside a scoped user's scope (another station, another town's course,
 * trainee or session, another base's host or stream), built on the two-scope fixture. The matrix in
 * access.test.ts calls each procedure so, as every role and as nobody, and expects a refusal and no
 * row changed; lists must hold none of the other scope's rows.
 *
 * A new procedure fails the matrix until it is declared here: a `target` (an input naming a row
 * outside the scope, and, where the answer must not tell whether such a row exists, the same input
 * naming one that does not), a `list` (called in scope, nothing of theirs may show), an `import`
 * (a file naming their rows: the answer must be the same as for rows that do not exist), or
 * `none`, saying why the procedure has no row scope.
 */
export type ScopeCheck =
  | { kind: 'target'; outside: (f: TwoScopes) => unknown; missing?: (f: TwoScopes) => unknown }
  | { kind: 'list'; input: (f: TwoScopes) => unknown }
  | { kind: 'import'; outside: (f: TwoScopes) => unknown; missing: (f: TwoScopes) => unknown; tokens: (f: TwoScopes) => [string, string] };
export type ScopeRule = { none: string } | { checks: ScopeCheck[] };

/** An id no row has. */
export const MISSING = 2_147_000_000;
/** A town code no region has. */
const NO_TOWN = '370481199000';

const target = (outside: (f: TwoScopes) => unknown, missing?: (f: TwoScopes) => unknown): ScopeCheck => ({ kind: 'target', outside, missing });
const list = (input: (f: TwoScopes) => unknown): ScopeCheck => ({ kind: 'list', input });
const checks = (...c: ScopeCheck[]): ScopeRule => ({ checks: c });
const exporting = (listInput: unknown, ...keys: string[]) => ({ list: listInput, columns: keys.map((key) => ({ key, header: key })) });
const month = (f: TwoScopes) => f.today.slice(0, 7);
const year = (f: TwoScopes) => Number(f.today.slice(0, 4));
const yearAgo = (f: TwoScopes) => `${year(f) - 1}${f.today.slice(4)}`;

/** A hub's daily sheet naming a route. */
const courierSheet = (f: TwoScopes, route: string) =>
  sheetXlsx([
    ['日期', '线路', '村点', '快递公司', '派件数'],
    [f.today, route, '王楼村服务点', '中通', '3'],
  ]).toString('base64');

const BUREAU = 'the bureau only (admin, staff), who see every row';
const ADMIN = 'the administrator only, who sees every row';
const REFERENCE = 'reference data (division codes, the indicators catalogue, the active-host rule): the same for every user';
const OWN = "the caller's own session or password";
/** An import's progress is kept under the caller's user id: another's key finds nothing (tests/server/import-pipeline.test.ts). */
const OWN_IMPORT = "the caller's own import in progress";

export const SCOPE_RULES: Record<string, ScopeRule> = {
  // ---- auth, audit, reference data
  'auth.session.login': { none: OWN },
  'auth.session.logout': { none: OWN },
  'auth.session.me': { none: OWN },
  'auth.password.change': { none: OWN },
  'auth.users.list': { none: ADMIN },
  'auth.users.export': { none: ADMIN },
  'auth.users.options': { none: ADMIN },
  'auth.users.get': { none: ADMIN },
  'auth.users.create': { none: ADMIN },
  'auth.users.update': { none: ADMIN },
  'auth.users.setDisabled': { none: ADMIN },
  'auth.users.resetPassword': { none: ADMIN },
  'audit.log.list': { none: ADMIN },
  'audit.log.facets': { none: ADMIN },
  'audit.log.export': { none: ADMIN },
  'regions.get': { none: REFERENCE },
  'regions.names': { none: REFERENCE },
  'regions.tree.children': { none: REFERENCE },
  'regions.search': { none: REFERENCE },
  'regions.export': { none: REFERENCE },
  'regions.villages.add': { none: ADMIN },
  'regions.import': { none: ADMIN },
  'targets.metrics': { none: REFERENCE },
  'targets.list': checks(list(() => ({}))),
  'targets.export': checks(list(() => exporting({}, 'regionName', 'metricKey'))),
  'targets.upsert': { none: ADMIN },
  'targets.split.preview': { none: ADMIN },
  'targets.split.commit': { none: ADMIN },
  'targets.bases.list': checks(list(() => ({}))),
  'targets.bases.upsert': { none: ADMIN },
  'operations.queue.status': { none: ADMIN },
  'operations.queue.retry': { none: ADMIN },
  'operations.runs': { none: ADMIN },
  'operations.recompute.start': { none: ADMIN },
  'operations.recompute.status': { none: ADMIN },
  'reports.months': { none: BUREAU },
  'reports.get': { none: BUREAU },
  'reports.download': { none: BUREAU },
  'reports.build': { none: BUREAU },
  'reports.export': { none: BUREAU },
  'reports.job': { none: 'a report job of the bureau’s (other jobs answer nothing)' },
  'reports.close': { none: ADMIN },
  'reports.recompute': { none: ADMIN },
  'reports.reopen': { none: ADMIN },
  'display.links.list': { none: ADMIN },
  'display.links.create': { none: ADMIN },
  'display.links.revoke': { none: ADMIN },
  'display.screen': { none: 'the wall screen, by its link: county aggregates only, no row of anyone (tests/modules/display.test.ts)' },
  'notifications.list': { none: 'the caller’s own notifications (user_id = the caller; tests/modules/notifications.test.ts)' },
  'notifications.unreadCount': { none: 'the caller’s own notifications' },
  'notifications.markRead': { none: 'the caller’s own notifications: another’s id changes nothing (tests/modules/notifications.test.ts)' },
  'notifications.markAllRead': { none: 'the caller’s own notifications' },
  'notifications.todo': checks(list(() => undefined)),
  'notifications.rule.list': { none: ADMIN },
  'notifications.rule.create': { none: ADMIN },
  'cockpit.overview': { none: BUREAU },
  'cockpit.ranking.export': { none: BUREAU },
  'cockpit.town': checks(target((f) => ({ year: year(f), regionCode: NANSHAHE }), (f) => ({ year: year(f), regionCode: NO_TOWN }))),
  'cockpit.home.operator': checks(list(() => undefined)),
  'cockpit.home.coordinator': checks(list(() => undefined)),
  'cockpit.home.manager': checks(list(() => undefined)),
  'targets.progress': checks(target((f) => ({ year: year(f), regionCode: NANSHAHE }), (f) => ({ year: year(f), regionCode: NO_TOWN }))),
  'system.info': { none: 'public: what the login page shows' },

  // ---- taobao: a coordinator's towns (their village 南村 of 南沙河镇 is outside; 370481102299 does not exist)
  'taobao.years': { none: 'the years evaluated and closed: the same for every user' },
  'taobao.candidates.list': checks(list((f) => ({ filter: { year: year(f), level: 'village' } })), list((f) => ({ filter: { year: year(f), level: 'town' } }))),
  'taobao.candidates.export': checks(list((f) => exporting({ year: year(f), level: 'village' }, 'code', 'name'))),
  'taobao.place.get': checks(target((f) => ({ code: '370481102201', year: year(f) }), (f) => ({ code: '370481102299', year: year(f) })), target((f) => ({ code: NANSHAHE, year: year(f) }), (f) => ({ code: NO_TOWN, year: year(f) }))),
  'taobao.figures.upsert': checks(
    target(
      (f) => ({ code: '370481102201', period: String(year(f)), salesYuan: 1, activeShops: null, households: null }),
      (f) => ({ code: '370481102299', period: String(year(f)), salesYuan: 1, activeShops: null, households: null }),
    ),
  ),
  'taobao.pipeline.board': checks(list((f) => ({ year: year(f) }))),
  'taobao.pipeline.set': checks(target(() => ({ code: '370481102201', stage: 'watching' }), () => ({ code: '370481102299', stage: 'watching' }))),
  'taobao.pipeline.action': checks(target((f) => ({ code: '370481102201', actedOn: f.today, kind: 'visit' }), (f) => ({ code: '370481102299', actedOn: f.today, kind: 'visit' }))),
  'taobao.figures.import.preview': { none: BUREAU },
  'taobao.figures.import.commit': { none: BUREAU },
  'taobao.figures.import.progress': { none: OWN_IMPORT },
  'taobao.recognitions.import.preview': { none: BUREAU },
  'taobao.recognitions.import.commit': { none: BUREAU },
  'taobao.recognitions.import.progress': { none: OWN_IMPORT },
  'taobao.recognitions.unmatched': { none: BUREAU },
  'taobao.recognitions.resolve': { none: BUREAU },
  'taobao.criteria.list': { none: BUREAU },
  'taobao.criteria.create': { none: ADMIN },
  'taobao.year.close': { none: ADMIN },
  'taobao.year.reopen': { none: ADMIN },
  'taobao.recompute': { none: BUREAU },

  // ---- courier: a hub is its station's (courier.scope.ts); the fixture's operator is staff of no hub, 南沙河's hub is theirs
  'courier.carriers.list': { none: 'the carriers: the same list for every user' },
  'courier.carriers.create': { none: BUREAU },
  'courier.carriers.update': { none: BUREAU },
  'courier.hubs.list': checks(list(() => undefined)),
  'courier.hubs.export': checks(list(() => exporting({}, 'name', 'stationName'))),
  'courier.hubs.get': checks(target((f) => ({ id: f.courier.theirHub.id }), () => ({ id: MISSING }))),
  'courier.hubs.create': { none: BUREAU },
  'courier.hubs.update': { none: BUREAU },
  'courier.hubs.setCarrier': { none: BUREAU },
  'courier.hubs.stops': checks(target((f) => ({ hubId: f.courier.theirHub.id }), () => ({ hubId: MISSING }))),
  'courier.vehicles.list': checks(list(() => ({})), list((f) => ({ hubId: f.courier.theirHub.id }))),
  'courier.vehicles.export': checks(list(() => exporting({}, 'hubName', 'plate')), list((f) => exporting({ hubId: f.courier.theirHub.id }, 'plate'))),
  'courier.vehicles.create': { none: BUREAU },
  'courier.vehicles.update': { none: BUREAU },
  'courier.routes.list': checks(list(() => ({})), list((f) => ({ hubId: f.courier.theirHub.id }))),
  'courier.routes.export': checks(list(() => exporting({}, 'hubName', 'name', 'plate')), list((f) => exporting({ hubId: f.courier.theirHub.id }, 'hubName', 'name'))),
  'courier.routes.get': checks(target((f) => ({ id: f.courier.theirRoute.id }), () => ({ id: MISSING }))),
  'courier.routes.create': { none: BUREAU },
  'courier.routes.saveVersion': { none: BUREAU },
  'courier.runs.day': checks(target((f) => ({ routeId: f.courier.theirRoute.id, day: f.today }), (f) => ({ routeId: MISSING, day: f.today }))),
  'courier.runs.save': checks(
    target(
      (f) => ({ ...f.courier.theirRun, clientKey: crypto.randomUUID(), note: '越界' }),
      (f) => ({ ...f.courier.theirRun, routeId: MISSING, clientKey: crypto.randomUUID(), note: '越界' }),
    ),
  ),
  'courier.runs.list': checks(list((f) => ({ month: month(f) })), list((f) => ({ month: month(f), hubId: f.courier.theirHub.id }))),
  'courier.runs.export': checks(list((f) => exporting({ month: month(f) }, 'hubName', 'routeName', 'plate'))),
  ...Object.fromEntries(
    (['preview', 'commit'] as const).map((step) => [
      `courier.runs.import.${step}`,
      checks(
        target(
          (f) => ({ hubId: f.courier.theirHub.id, fileBase64: courierSheet(f, '南沙河共配线'), ...(step === 'commit' ? { mode: 'skip_invalid' } : {}) }),
          (f) => ({ hubId: MISSING, fileBase64: courierSheet(f, '南沙河共配线'), ...(step === 'commit' ? { mode: 'skip_invalid' } : {}) }),
        ),
      ),
    ]),
  ),
  'courier.runs.import.progress': { none: OWN_IMPORT },
  'courier.stats.months': checks(list(() => ({})), list((f) => ({ hubId: f.courier.theirHub.id }))),
  'courier.stats.days': checks(list((f) => ({ month: month(f) })), list((f) => ({ month: month(f), hubId: f.courier.theirHub.id }))),
  'courier.stats.export': checks(list(() => exporting({}, 'hubName', 'carrierName'))),
  'courier.coverage.get': { none: BUREAU },
  'courier.coverage.unservedExport': { none: BUREAU },
  'courier.rule.list': { none: BUREAU },
  'courier.rule.create': { none: ADMIN },
  'courier.recompute': { none: BUREAU },
  // ---- planner: the bureau's only, so no scope to cross
  'planner.plans.start': { none: BUREAU },
  'planner.plans.get': { none: BUREAU },
  'planner.plans.cancel': { none: BUREAU },
  'planner.plans.accept': { none: BUREAU },

  // ---- stations
  'stations.list': checks(list(() => ({}))),
  'stations.export': checks(list(() => exporting({}, 'name', 'townName'))),
  'stations.get': checks(target((f) => ({ id: f.stations.theirs.id }), () => ({ id: MISSING }))),
  'stations.create': { none: BUREAU },
  'stations.update': { none: BUREAU },
  'stations.setStatus': { none: BUREAU },
  'stations.import.preview': { none: BUREAU },
  'stations.import.commit': { none: BUREAU },
  'stations.import.progress': { none: OWN_IMPORT },
  'stations.ledger.import.progress': { none: OWN_IMPORT },
  'training.attendance.import.progress': { none: OWN_IMPORT },
  'livestream.import.progress': { none: OWN_IMPORT },
  'stations.quiet.list': { none: BUREAU },
  'stations.quiet.export': { none: BUREAU },
  'stations.ranking.towns': { none: BUREAU },
  'stations.ranking.export': { none: BUREAU },
  'stations.ledger.day': checks(target((f) => ({ stationId: f.stations.theirs.id, date: f.today }), (f) => ({ stationId: MISSING, date: f.today }))),
  'stations.ledger.month': checks(target((f) => ({ stationId: f.stations.theirs.id, month: month(f) }), (f) => ({ stationId: MISSING, month: month(f) }))),
  'stations.ledger.export': checks(
    target(
      (f) => exporting({ stationId: f.stations.theirs.id, month: month(f) }, 'date', 'note'),
      (f) => exporting({ stationId: MISSING, month: month(f) }, 'date', 'note'),
    ),
  ),
  'stations.ledger.upsert': checks(
    target(
      (f) => ({ ...zeroFigures, stationId: f.stations.theirs.id, date: f.today, note: '越界' }),
      (f) => ({ ...zeroFigures, stationId: MISSING, date: f.today, note: '越界' }),
    ),
  ),
  ...Object.fromEntries(
    (['preview', 'commit'] as const).map((step) => [
      `stations.ledger.import.${step}`,
      checks(
        target(
          (f) => ({ fileBase64: f.files.ledger, stationId: f.stations.theirs.id }),
          (f) => ({ fileBase64: f.files.ledger, stationId: MISSING }),
        ),
        // a station named by its code in the file: "no permission" and "not found" answer alike (item 5)
        {
          kind: 'import',
          outside: (f) => ({ fileBase64: f.files.ledger }),
          missing: (f) => ({ fileBase64: ledgerFile(f, 'TZ-NONE', f.today) }),
          tokens: (f) => [f.stations.theirs.code, 'TZ-NONE'],
        },
      ),
    ]),
  ),

  // ---- training
  'training.courses.list': checks(list(() => ({}))),
  'training.courses.export': checks(list(() => exporting({}, 'title', 'regionName'))),
  'training.courses.get': checks(target((f) => ({ id: f.training.theirCourse.id }), () => ({ id: MISSING }))),
  'training.courses.create': checks(target(() => courseInput(NANSHAHE, '越界班'), () => courseInput(NO_TOWN, '越界班'))),
  'training.courses.update': checks(
    target(
      (f) => ({ ...courseInput(f.training.ourCourse.regionCode, '挪进来的班'), id: f.training.theirCourse.id, version: f.training.theirCourse.version, status: f.training.theirCourse.status }),
      (f) => ({ ...courseInput(f.training.ourCourse.regionCode, '挪进来的班'), id: MISSING, version: 1, status: f.training.theirCourse.status }),
    ),
  ),
  'training.sessions.get': checks(target((f) => ({ id: f.training.theirSession.id }), () => ({ id: MISSING }))),
  'training.sessions.list': checks(target((f) => ({ courseId: f.training.theirCourse.id }), () => ({ courseId: MISSING }))),
  'training.sessions.add': checks(
    target(
      (f) => ({ courseId: f.training.theirCourse.id, date: f.today, startsAt: '10:00', endsAt: '11:00', venue: null }),
      (f) => ({ courseId: MISSING, date: f.today, startsAt: '10:00', endsAt: '11:00', venue: null }),
    ),
  ),
  'training.trainees.search': checks(list(() => ({ q: '学员' })), list(() => ({ q: '2222' }))),
  'training.trainees.list': checks(list(() => ({})), list((f) => ({ filter: { courseId: f.training.theirCourse.id } }))),
  'training.trainees.export': checks(list(() => exporting({}, 'name', 'villageName'))),
  'training.trainees.get': checks(target((f) => ({ id: f.training.theirTrainee.id }), () => ({ id: MISSING }))),
  // item 1: a village set to null must not bring a trainee of another town into scope
  'training.trainees.update': checks(
    target(
      (f) => ({ id: f.training.theirTrainee.id, version: 1, name: '南沙河学员乙', villageCode: null, tags: [] }),
      () => ({ id: MISSING, version: 1, name: '南沙河学员乙', villageCode: null, tags: [] }),
    ),
  ),
  'training.trainees.duplicates': checks(list(() => ({}))),
  'training.trainees.merge': checks(
    target(
      (f) => ({ keepId: f.training.theirTrainee.id, mergeId: f.training.theirTwin.id }),
      () => ({ keepId: MISSING, mergeId: MISSING + 1 }),
    ),
  ),
  'training.outcomes.list': checks(target((f) => ({ traineeId: f.training.theirTrainee.id }), () => ({ traineeId: MISSING }))),
  'training.outcomes.record': checks(
    target(
      (f) => ({ traineeId: f.training.theirTrainee.id, kind: 'first_sale', occurredOn: f.today, platform: null, shopUrl: null, amountFen: 100, evidence: null }),
      (f) => ({ traineeId: MISSING, kind: 'first_sale', occurredOn: f.today, platform: null, shopUrl: null, amountFen: 100, evidence: null }),
    ),
  ),
  'training.qr.token': checks(target((f) => ({ sessionId: f.training.theirSession.id }), () => ({ sessionId: MISSING }))),
  'training.qr.checkIn': { none: 'public: the token of the projected code is the scope (tests/training/qr.test.ts)' },
  'training.attendance.checkIn': checks(
    target((f) => ({ sessionId: f.training.theirSession.id, traineeId: f.training.ourTrainee.id }), (f) => ({ sessionId: MISSING, traineeId: f.training.ourTrainee.id })),
  ),
  'training.attendance.import.preview': checks(
    target((f) => ({ courseId: f.training.theirCourse.id, fileBase64: f.files.signIn }), (f) => ({ courseId: MISSING, fileBase64: f.files.signIn })),
  ),
  'training.attendance.import.commit': checks(
    target(
      (f) => ({ courseId: f.training.theirCourse.id, fileBase64: f.files.signIn, mode: 'skip_invalid' }),
      (f) => ({ courseId: MISSING, fileBase64: f.files.signIn, mode: 'skip_invalid' }),
    ),
  ),
  'training.attendance.roster': checks(target((f) => ({ sessionId: f.training.theirSession.id }), () => ({ sessionId: MISSING }))),
  'training.attendance.bulkMark': checks(
    target((f) => ({ sessionId: f.training.theirSession.id, traineeIds: [f.training.ourTrainee.id] }), (f) => ({ sessionId: MISSING, traineeIds: [f.training.ourTrainee.id] })),
  ),
  'training.conversion.progress': checks(list((f) => ({ year: year(f) }))),
  'training.conversion.progressExport': checks(list((f) => exporting({ year: year(f) }, 'regionName', 'personTimes'))),
  'training.conversion.summary': checks(
    target((f) => ({ year: year(f), region: NANSHAHE }), (f) => ({ year: year(f), region: NO_TOWN })),
    list((f) => ({ year: year(f) })),
  ),
  'training.conversion.cutExport': checks(
    target(
      (f) => exporting({ year: year(f), region: NANSHAHE, cut: 'course' }, 'label'),
      (f) => exporting({ year: year(f), region: NO_TOWN, cut: 'course' }, 'label'),
    ),
    list((f) => exporting({ year: year(f), cut: 'course' }, 'label')),
  ),
  'training.conversion.followUp.list': checks(target(() => ({ filter: { region: NANSHAHE } }), () => ({ filter: { region: NO_TOWN } })), list(() => ({}))),
  'training.conversion.followUp.export': checks(
    target(() => exporting({ filter: { region: NANSHAHE } }, 'name'), () => exporting({ filter: { region: NO_TOWN } }, 'name')),
    list(() => exporting({}, 'name', 'courseTitle')),
  ),
  'training.conversion.spotCheck.sample': checks(
    target((f) => ({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix', region: NANSHAHE }), (f) => ({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix', region: NO_TOWN })),
    list((f) => ({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix' })),
  ),
  'training.conversion.spotCheck.export': checks(
    target(
      (f) => exporting({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix', region: NANSHAHE }, 'name'),
      (f) => exporting({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix', region: NO_TOWN }, 'name'),
    ),
    list((f) => exporting({ from: yearAgo(f), to: f.today, n: 10, seed: 'matrix' }, 'name', 'courseTitle')),
  ),

  // ---- livestream
  'livestream.bases.list': checks(list(() => ({}))),
  'livestream.bases.options': checks(list(() => undefined)),
  'livestream.bases.export': checks(list(() => exporting({}, 'name'))),
  'livestream.bases.get': checks(target((f) => ({ id: f.livestream.theirBase.id }), () => ({ id: MISSING }))),
  'livestream.bases.create': { none: BUREAU },
  'livestream.bases.update': { none: BUREAU },
  'livestream.hosts.list': checks(list(() => ({})), list((f) => ({ filter: { baseId: f.livestream.theirBase.id } }))),
  'livestream.hosts.export': checks(list(() => exporting({}, 'name', 'baseName'))),
  'livestream.hosts.get': checks(target((f) => ({ id: f.livestream.theirHost.id }), () => ({ id: MISSING }))),
  'livestream.hosts.create': checks(
    target((f) => hostInput(f.livestream.theirBase.id, '越界主播', '13800009999'), () => hostInput(MISSING, '越界主播', '13800009999')),
  ),
  'livestream.hosts.update': checks(
    target(
      (f) => ({ ...hostInput(f.livestream.ourBase.id, '挪进来的主播', '13800002222'), id: f.livestream.theirHost.id, version: 1 }),
      (f) => ({ ...hostInput(f.livestream.ourBase.id, '挪进来的主播', '13800002222'), id: MISSING, version: 1 }),
    ),
  ),
  'livestream.hosts.linkTrainee': checks(
    target((f) => ({ hostId: f.livestream.theirHost.id, traineeId: f.training.ourTrainee.id }), (f) => ({ hostId: MISSING, traineeId: f.training.ourTrainee.id })),
  ),
  'livestream.hosts.unlinkTrainee': checks(target((f) => ({ hostId: f.livestream.theirHost.id }), () => ({ hostId: MISSING }))),
  'livestream.streams.list': checks(list(() => ({})), list((f) => ({ filter: { hostId: f.livestream.theirHost.id } }))),
  'livestream.streams.export': checks(list(() => exporting({}, 'hostName', 'baseName', 'mainProducts'))),
  'livestream.streams.get': checks(target((f) => ({ id: f.livestream.theirStream.id }), () => ({ id: MISSING }))),
  'livestream.streams.create': checks(
    target(
      (f) => streamInput(f.livestream.theirHost.id, { startDate: f.today, startTime: '00:02' }),
      (f) => streamInput(MISSING, { startDate: f.today, startTime: '00:02' }),
    ),
  ),
  'livestream.streams.update': checks(
    target(
      (f) => ({ ...streamInput(f.livestream.ourHost.id, { startDate: f.today, startTime: '00:03' }), id: f.livestream.theirStream.id }),
      (f) => ({ ...streamInput(f.livestream.ourHost.id, { startDate: f.today, startTime: '00:03' }), id: MISSING }),
    ),
  ),
  'livestream.streams.delete': checks(target((f) => ({ id: f.livestream.theirStream.id }), () => ({ id: MISSING }))),
  ...Object.fromEntries(
    (['preview', 'commit'] as const).map((step) => {
      const extra = step === 'commit' ? { mode: 'skip_invalid' } : {};
      const input = (f: TwoScopes, fileBase64: string, hostId?: number) => ({ fileBase64, fileName: 'streams.xlsx', platform: 'taobao', ...(hostId ? { hostId } : {}), ...extra });
      return [
        `livestream.import.${step}`,
        checks(
          target((f) => input(f, f.files.streams, f.livestream.theirHost.id), (f) => input(f, f.files.streams, MISSING)),
          // item 2: an account of another base's host in the file reads as one that does not exist
          {
            kind: 'import',
            outside: (f) => input(f, streamFile(f, 'nanshahe-b')),
            missing: (f) => input(f, streamFile(f, 'no-such-account')),
            tokens: () => ['nanshahe-b', 'no-such-account'],
          },
        ),
      ];
    }),
  ),
  'livestream.import.hosts': checks(list(() => ({})), list(() => ({ search: '主播' }))),
  'livestream.metrics.progress': checks(list((f) => ({ year: year(f) }))),
  'livestream.metrics.activeByMonth': checks(target((f) => ({ year: year(f), baseId: f.livestream.theirBase.id }), (f) => ({ year: year(f), baseId: MISSING }))),
  'livestream.metrics.activeByMonthExport': checks(
    target((f) => exporting({ year: year(f), baseId: f.livestream.theirBase.id }, 'month'), (f) => exporting({ year: year(f), baseId: MISSING }, 'month')),
  ),
  'livestream.metrics.byBase': checks(list(() => ({}))),
  'livestream.metrics.byBaseExport': checks(list(() => exporting({}, 'baseName'))),
  'livestream.metrics.leaderboard': checks(
    target((f) => ({ month: month(f), baseId: f.livestream.theirBase.id }), (f) => ({ month: month(f), baseId: MISSING })),
    list((f) => ({ month: month(f) })),
  ),
  'livestream.metrics.leaderboardExport': checks(
    target((f) => exporting({ month: month(f), baseId: f.livestream.theirBase.id }, 'hostName'), (f) => exporting({ month: month(f), baseId: MISSING }, 'hostName')),
    list((f) => exporting({ month: month(f) }, 'hostName', 'baseName')),
  ),
  'livestream.metrics.hostMonths': checks(target((f) => ({ hostId: f.livestream.theirHost.id }), () => ({ hostId: MISSING }))),
  'livestream.metrics.hostMonthsExport': checks(target((f) => exporting({ hostId: f.livestream.theirHost.id }, 'month'), () => exporting({ hostId: MISSING }, 'month'))),
  'livestream.metrics.rule.list': { none: REFERENCE },
  'livestream.metrics.rule.create': { none: ADMIN },
};

function ledgerFile(f: TwoScopes, code: string, date: string): string {
  return sheetXlsx([
    ['站点编码', '日期', '收件数'],
    [code, date, '1'],
  ]).toString('base64');
}

function streamFile(f: TwoScopes, account: string): string {
  return sheetXlsx([
    ['主播ID', '开播时间', '直播时长', '观看人数'],
    [account, `${f.today} 08:00:00`, '01:00:00', '10'],
  ]).toString('base64');
}
