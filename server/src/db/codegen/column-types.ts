/**
 * What the schema cannot say and `db/types.ts` must: which closed set of values a text column holds,
 * and what shape a JSON column holds. `pnpm db:types` applies these to the generated types and fails
 * when a column named here no longer exists, has a type the mapping does not fit (a set on a
 * non-text column, a shape on a non-JSON one), or has a CHECK constraint whose values differ from
 * the set's (the union and the constraint must be changed together).
 */
import * as E from '../enums';

/** A closed set: the TypeScript type (exported by db/enums.ts) and its values, to check against the column's CHECK. */
export interface EnumColumn {
  type: string;
  values: readonly string[];
}

/** `type` must be exported by db/enums.ts: the generated file imports it, so a wrong name fails the typecheck. */
const set = (type: string, values: readonly string[]): EnumColumn => ({ type, values });

/** `table.column` → the set its text (or text[]) column holds; a text[] column gets an array of it. */
export const ENUM_COLUMNS: Record<string, EnumColumn> = {
  'regions.level': set('RegionLevel', E.REGION_LEVELS),
  'regions.township_kind': set('TownshipKind', E.TOWNSHIP_KINDS),
  'regions.village_kind': set('VillageKind', E.VILLAGE_KINDS),
  'region_rollups.level': set('RollupLevel', E.ROLLUP_LEVELS),
  'users.role': set('Role', E.ROLES),
  'user_scopes.kind': set('ScopeKind', E.SCOPE_KINDS),
  'stations.tier': set('StationTier', E.STATION_TIERS),
  'stations.status': set('StationStatus', E.STATION_STATUSES),
  'stations.services': set('StationService', E.STATION_SERVICES),
  'station_status_history.status': set('StationStatus', E.STATION_STATUSES),
  'courses.topic': set('CourseTopic', E.COURSE_TOPICS),
  'courses.status': set('CourseStatus', E.COURSE_STATUSES),
  'trainees.gender': set('Gender', E.GENDERS),
  'trainees.tags': set('TraineeTag', E.TRAINEE_TAGS),
  'attendance.method': set('AttendanceMethod', E.ATTENDANCE_METHODS),
  'training_outcomes.kind': set('OutcomeKind', E.OUTCOME_KINDS),
  'training_conversion_stats.cut': set('ConversionCut', E.CONVERSION_CUTS),
  'livestream_bases.status': set('BaseStatus', E.BASE_STATUSES),
  'livestream_hosts.status': set('HostStatus', E.HOST_STATUSES),
  'livestream_accounts.platform': set('LivestreamPlatform', E.LIVESTREAM_PLATFORMS),
  'livestream_streams.platform': set('LivestreamPlatform', E.LIVESTREAM_PLATFORMS),
  'livestream_streams.source': set('StreamSource', E.STREAM_SOURCES),
  'host_month_stats.platform': set('LivestreamPlatform', E.LIVESTREAM_PLATFORMS),
  'livestream_active_stats.platform': set('ActiveStatsPlatform', E.ACTIVE_STATS_PLATFORMS),
  'regions.urban_rural_class': set('UrbanRuralClass', E.URBAN_RURAL_CLASSES),
  'taobao_figures.source': set('TaobaoFigureSource', E.TAOBAO_FIGURE_SOURCES),
  'taobao_evaluations.level': set('TaobaoLevel', E.TAOBAO_LEVELS),
  'taobao_evaluations.sales_source': set('TaobaoSalesSource', E.TAOBAO_SALES_SOURCES),
  'taobao_evaluations.path': set('TaobaoTownPath', E.TAOBAO_TOWN_PATHS),
  'taobao_evaluations.projection': set('TaobaoProjection', E.TAOBAO_PROJECTIONS),
  'taobao_candidates.level': set('TaobaoLevel', E.TAOBAO_LEVELS),
  'taobao_candidates.stage': set('TaobaoStage', E.TAOBAO_STAGES),
  'taobao_actions.kind': set('TaobaoActionKind', E.TAOBAO_ACTION_KINDS),
  'taobao_recognitions.level': set('TaobaoLevel', E.TAOBAO_LEVELS),
  'taobao_unmatched.level': set('TaobaoLevel', E.TAOBAO_LEVELS),
  'courier_vehicles.kind': set('VehicleKind', E.VEHICLE_KINDS),
  'courier_runs.source': set('RunSource', E.RUN_SOURCES),
  'courier_run_stops.missed_reason': set('MissedReason', E.MISSED_REASONS),
};

/**
 * `table.column` → the TypeScript type a json/jsonb column reads as (written as JSON text either
 * way). A JSON column not named here reads as `unknown`: validate it where it is read.
 */
export const JSON_COLUMNS: Record<string, string> = {
  /** field → the sheet header it was taken from (lib/sheet-mapping.ts). */
  'import_mappings.mapping': 'Record<string, string>',
};
