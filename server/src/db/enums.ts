/**
 * The closed sets of values that text columns hold (roles, scope kinds, statuses…), written by hand.
 * `db/types.ts` is generated from the schema and applies these to their columns through the checked
 * mapping in `db/codegen/column-types.ts`; it re-exports everything here.
 */

export const REGION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
/** 街道 001–099, 镇 100–199, 乡 200–399, other town-like units 400–599. */
export const TOWNSHIP_KINDS = ['subdistrict', 'town', 'township', 'other'] as const;
export type TownshipKind = (typeof TOWNSHIP_KINDS)[number];
/** 居委会 001–199, 村委会 200–399, other village-like units 400–999. */
export const VILLAGE_KINDS = ['residents_committee', 'villagers_committee', 'other'] as const;
export type VillageKind = (typeof VILLAGE_KINDS)[number];
/** The levels region_rollups keeps counts for. */
export const ROLLUP_LEVELS = ['county', 'town'] as const satisfies readonly RegionLevel[];
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

export const ROLES = ['admin', 'staff', 'station_operator', 'training_coordinator', 'livestream_manager'] as const;
export type Role = (typeof ROLES)[number];
export const SCOPE_KINDS = ['region', 'station', 'base'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const STATION_TIERS = ['county_center', 'town_station', 'village_point'] as const;
export type StationTier = (typeof STATION_TIERS)[number];
export const STATION_STATUSES = ['planned', 'active', 'suspended', 'closed'] as const;
export type StationStatus = (typeof STATION_STATUSES)[number];
export const STATION_SERVICES = ['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'bill_payment', 'training', 'incubation', 'other'] as const;
export type StationService = (typeof STATION_SERVICES)[number];

/** The ledger's numeric fields, in the order the form and the import show them. */
export const LEDGER_COUNT_FIELDS = ['parcels_in', 'parcels_out', 'purchase_orders', 'sales_orders', 'villagers_served'] as const;
export const LEDGER_MONEY_FIELDS = [
  'purchase_amount_fen',
  'sales_amount_fen',
  'income_parcel_fen',
  'income_commission_fen',
  'income_bill_fen',
  'income_other_fen',
] as const;
export type LedgerCountField = (typeof LEDGER_COUNT_FIELDS)[number];
export type LedgerMoneyField = (typeof LEDGER_MONEY_FIELDS)[number];

// ---- training --------------------------------------------------------------------------------

export const COURSE_TOPICS = ['shop_operation', 'livestream_selling', 'short_video', 'product_photos', 'farm_produce', 'logistics', 'other'] as const;
export type CourseTopic = (typeof COURSE_TOPICS)[number];
export const COURSE_STATUSES = ['planned', 'running', 'finished', 'cancelled'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const TRAINEE_TAGS = ['returning_migrant', 'graduate', 'veteran', 'poverty_relief', 'women', 'disabled', 'cooperative_member'] as const;
export type TraineeTag = (typeof TRAINEE_TAGS)[number];
export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];
export const ATTENDANCE_METHODS = ['search', 'qr', 'import', 'bulk'] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];
export const OUTCOME_KINDS = ['shop_opened', 'first_sale', 'livestream_started', 'employed', 'business_started'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];
export const CONVERSION_CUTS = ['total', 'cohort_month', 'course', 'topic', 'trainer', 'town'] as const;
export type ConversionCut = (typeof CONVERSION_CUTS)[number];

// ---- livestream ------------------------------------------------------------------------------

export const LIVESTREAM_PLATFORMS = ['taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other'] as const;
export type LivestreamPlatform = (typeof LIVESTREAM_PLATFORMS)[number];
export const BASE_STATUSES = ['active', 'paused', 'closed'] as const;
export type BaseStatus = (typeof BASE_STATUSES)[number];
export const HOST_STATUSES = ['active', 'paused', 'left'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
export const STREAM_SOURCES = ['manual', 'import'] as const;
export type StreamSource = (typeof STREAM_SOURCES)[number];
/** livestream_active_stats.platform: one platform, or 'all' for distinct hosts over every platform. */
export const ACTIVE_STATS_PLATFORMS = [...LIVESTREAM_PLATFORMS, 'all'] as const;
export type ActiveStatsPlatform = (typeof ACTIVE_STATS_PLATFORMS)[number];

// ---- taobao ----------------------------------------------------------------------------------

/** NBS 城乡分类代码: 1xx urban (111 主城区 … 123 特殊区域), 2xx rural (210 乡中心区, 220 村庄). */
export const URBAN_RURAL_CLASSES = ['111', '112', '121', '122', '123', '210', '220'] as const;
export type UrbanRuralClass = (typeof URBAN_RURAL_CLASSES)[number];
export const TAOBAO_LEVELS = ['village', 'town'] as const;
export type TaobaoLevel = (typeof TAOBAO_LEVELS)[number];
export const TAOBAO_FIGURE_SOURCES = ['entered', 'imported'] as const;
export type TaobaoFigureSource = (typeof TAOBAO_FIGURE_SOURCES)[number];
/** Where a year's sales came from: a yearly figure (entered or imported), or the sum of its months. */
export const TAOBAO_SALES_SOURCES = [...TAOBAO_FIGURE_SOURCES, 'derived'] as const;
export type TaobaoSalesSource = (typeof TAOBAO_SALES_SOURCES)[number];
/** A town's path to the title: its Taobao villages, or its own sales and shops (from the 2019 list). */
export const TAOBAO_TOWN_PATHS = ['villages', 'sales_shops'] as const;
export type TaobaoTownPath = (typeof TAOBAO_TOWN_PATHS)[number];
export const TAOBAO_PROJECTIONS = ['qualifies', 'month', 'not_at_current_growth', 'no_trend', 'not_eligible'] as const;
export type TaobaoProjection = (typeof TAOBAO_PROJECTIONS)[number];
export const TAOBAO_STAGES = ['watching', 'cultivating', 'applied', 'recognised', 'not_recognised'] as const;
export type TaobaoStage = (typeof TAOBAO_STAGES)[number];
export const TAOBAO_ACTION_KINDS = ['training', 'host_recruited', 'station_upgraded', 'visit', 'other'] as const;
export type TaobaoActionKind = (typeof TAOBAO_ACTION_KINDS)[number];

// ---- courier ---------------------------------------------------------------------------------

export const VEHICLE_KINDS = ['van', 'truck', 'tricycle'] as const;
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export const RUN_SOURCES = ['entered', 'imported'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];
/** Why a stop was missed: the road, the weather, the vehicle, the point closed, nothing to carry, other. */
export const MISSED_REASONS = ['road', 'weather', 'vehicle', 'closed', 'no_parcels', 'other'] as const;
export type MissedReason = (typeof MISSED_REASONS)[number];
