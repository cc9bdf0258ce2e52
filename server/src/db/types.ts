import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** int8 and numeric are parsed to JS numbers by both drivers (see create-db.ts). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string | null, string | null>;

export const REGION_LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];
/** 街道 001–099, 镇 100–199, 乡 200–399, other town-like units 400–599. */
export const TOWNSHIP_KINDS = ['subdistrict', 'town', 'township', 'other'] as const;
export type TownshipKind = (typeof TOWNSHIP_KINDS)[number];
/** 居委会 001–199, 村委会 200–399, other village-like units 400–999. */
export const VILLAGE_KINDS = ['residents_committee', 'villagers_committee', 'other'] as const;
export type VillageKind = (typeof VILLAGE_KINDS)[number];

export interface RegionsTable {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  township_kind: TownshipKind | null;
  village_kind: VillageKind | null;
  edition: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RegionRollupsTable {
  region_code: string;
  level: 'county' | 'town';
  town_count: number;
  village_count: number;
  administrative_village_count: number;
  computed_at: Timestamp;
}

export const ROLES = ['admin', 'staff', 'station_operator', 'training_coordinator', 'livestream_manager'] as const;
export type Role = (typeof ROLES)[number];
export const SCOPE_KINDS = ['region', 'station', 'base'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface UsersTable {
  id: Generated<number>;
  login_name: string;
  display_name: string;
  mobile: string | null;
  role: Role;
  password_hash: string;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  disabled_at: Date | null;
  password_changed_at: Timestamp;
  last_login_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserScopesTable {
  user_id: number;
  kind: ScopeKind;
  ref: string;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  login_name: string;
  ip: string;
  succeeded: boolean;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  actor_login: string | null;
  entity: string;
  entity_id: string | null;
  action: string;
  before: Json;
  after: Json;
  ip: string | null;
}

export interface TargetsTable {
  year: number;
  region_code: string;
  metric_key: string;
  value: number;
  updated_at: Timestamp;
  updated_by: number | null;
}

export const STATION_TIERS = ['county_center', 'town_station', 'village_point'] as const;
export type StationTier = (typeof STATION_TIERS)[number];
export const STATION_STATUSES = ['planned', 'active', 'suspended', 'closed'] as const;
export type StationStatus = (typeof STATION_STATUSES)[number];
export const STATION_SERVICES = ['purchase_on_behalf', 'sell_on_behalf', 'parcels', 'bill_payment', 'training', 'incubation', 'other'] as const;
export type StationService = (typeof STATION_SERVICES)[number];

/** A calendar date (Postgres `date`), kept as 'YYYY-MM-DD' text by both drivers (see create-db.ts). */
type DateText = ColumnType<string, string | undefined, string>;

export interface RuleVersionsTable {
  rule_key: string;
  version: number;
  params: ColumnType<unknown, string, string>;
  effective_from: DateText;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface StationsTable {
  id: Generated<number>;
  code: string;
  name: string;
  tier: StationTier;
  region_code: string;
  parent_id: number | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  phone: string | null;
  opened_on: string | null;
  services: ColumnType<StationService[], StationService[] | undefined, StationService[]>;
  status: ColumnType<StationStatus, StationStatus | undefined, StationStatus>;
  status_since: DateText;
  status_reason: string | null;
  duplicate_override_reason: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StationStatusHistoryTable {
  id: Generated<number>;
  station_id: number;
  status: StationStatus;
  since: string;
  reason: string | null;
  changed_by: number | null;
  changed_at: CreatedAt;
}

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

type LedgerFigures = { [K in LedgerCountField | LedgerMoneyField]: ColumnType<number, number | undefined, number> };

export interface LedgerEntriesTable extends LedgerFigures {
  station_id: number;
  entry_date: string;
  note: string | null;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  updated_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ImportMappingsTable {
  user_id: number;
  kind: string;
  mapping: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

export interface StationMonthStatsTable {
  station_id: number;
  month: string;
  days_with_entry: number;
  active_days: number;
  parcels_in: number;
  parcels_out: number;
  purchase_orders: number;
  purchase_amount_fen: number;
  sales_orders: number;
  sales_amount_fen: number;
  income_parcel_fen: number;
  income_commission_fen: number;
  income_bill_fen: number;
  income_other_fen: number;
  income_total_fen: number;
  villagers_served: number;
  income_per_open_day_fen: number;
  computed_at: Timestamp;
}

export interface StationActivityTable {
  station_id: number;
  as_of: string;
  last_entry_date: string | null;
  last_active_date: string | null;
  active_days_30: number;
  quiet: boolean;
  quiet_days: number | null;
  rule_version: number;
  computed_at: Timestamp;
}

export interface MetricValuesTable {
  metric_key: string;
  region_code: string;
  period: string;
  value: number;
  rule_version: ColumnType<number, number | undefined, number>;
  computed_at: Timestamp;
}

// ---- training --------------------------------------------------------------------------------

export const COURSE_TOPICS = ['shop_operation', 'livestream_selling', 'short_video', 'product_photos', 'farm_produce', 'logistics', 'other'] as const;
export type CourseTopic = (typeof COURSE_TOPICS)[number];
export const COURSE_STATUSES = ['planned', 'running', 'finished', 'cancelled'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];
export const TRAINEE_TAGS = ['returning_migrant', 'graduate', 'veteran', 'poverty_relief', 'women', 'disabled', 'cooperative_member'] as const;
export type TraineeTag = (typeof TRAINEE_TAGS)[number];
export const ATTENDANCE_METHODS = ['search', 'qr', 'import', 'bulk'] as const;
export type AttendanceMethod = (typeof ATTENDANCE_METHODS)[number];
export const OUTCOME_KINDS = ['shop_opened', 'first_sale', 'livestream_started', 'employed', 'business_started'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface AppSecretsTable {
  name: string;
  value: Buffer;
  created_at: CreatedAt;
}

export interface CoursesTable {
  id: Generated<number>;
  title: string;
  topic: CourseTopic;
  organiser: string | null;
  trainers: ColumnType<string[], string[] | undefined, string[]>;
  region_code: string;
  station_id: number | null;
  venue: string | null;
  capacity: number | null;
  planned_start: DateText | null;
  planned_end: DateText | null;
  status: ColumnType<CourseStatus, CourseStatus | undefined, CourseStatus>;
  completion_min_sessions: number | null;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CourseSessionsTable {
  id: Generated<number>;
  course_id: number;
  session_date: DateText;
  /** 'HH:MM:SS' */
  starts_at: string;
  ends_at: string;
  venue: string | null;
  created_at: CreatedAt;
}

export interface TraineesTable {
  id: Generated<number>;
  name: string;
  name_initials: ColumnType<string, string | undefined, string>;
  mobile: string;
  id_card_hash: string | null;
  id_card_last4: string | null;
  birth_date: DateText | null;
  gender: 'male' | 'female' | null;
  village_code: string | null;
  tags: ColumnType<TraineeTag[], TraineeTag[] | undefined, TraineeTag[]>;
  version: ColumnType<number, number | undefined, number>;
  /** Merged into this trainee (trainees.merge): the record stays so its mobile finds that person. */
  merged_into_id: ColumnType<number | null, number | null | undefined, number | null>;
  merged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  merged_by: ColumnType<number | null, number | null | undefined, number | null>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AttendanceTable {
  session_id: number;
  trainee_id: number;
  method: AttendanceMethod;
  recorded_by: number | null;
  checked_in_at: CreatedAt;
  /** Recorded by a coordinator after the session's check-in window had closed (`late: true`). */
  late_entry: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface CourseCompletionsTable {
  course_id: number;
  trainee_id: number;
  started_on: DateText;
  completed_on: DateText;
  region_code: string;
  computed_at: CreatedAt;
}

export const CONVERSION_CUTS = ['total', 'cohort_month', 'course', 'topic', 'trainer', 'town'] as const;
export type ConversionCut = (typeof CONVERSION_CUTS)[number];

/** Snapshot: 培训转化率 per scope (town or county), year and cut value. */
export interface TrainingConversionStatsTable {
  region_code: string;
  year: number;
  cut: ConversionCut;
  cut_key: string;
  cut_label: string;
  completed: number;
  converted: number;
  shop_opened: number;
  first_sale: number;
  livestream_started: number;
  employed: number;
  business_started: number;
  rule_version: number;
  computed_at: CreatedAt;
}

/** Snapshot: the training funnel per scope and year. */
export interface TrainingFunnelStatsTable {
  region_code: string;
  year: number;
  registered: number;
  attended: number;
  completed: number;
  converted: number;
  first_sale: number;
  rule_version: number;
  computed_at: CreatedAt;
}

export interface QrCheckInAttemptsTable {
  id: Generated<number>;
  ip: string;
  mobile: string | null;
  at: CreatedAt;
}

export interface TrainingOutcomesTable {
  id: Generated<number>;
  trainee_id: number;
  kind: OutcomeKind;
  occurred_on: DateText;
  platform: string | null;
  shop_url: string | null;
  amount_fen: number | null;
  evidence: string | null;
  recorded_by: number | null;
  created_at: CreatedAt;
}

// ---- livestream ------------------------------------------------------------------------------

export const LIVESTREAM_PLATFORMS = ['taobao', 'douyin', 'kuaishou', 'wechat_channels', 'pinduoduo', 'other'] as const;
export type LivestreamPlatform = (typeof LIVESTREAM_PLATFORMS)[number];
export const BASE_STATUSES = ['active', 'paused', 'closed'] as const;
export type BaseStatus = (typeof BASE_STATUSES)[number];
export const HOST_STATUSES = ['active', 'paused', 'left'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
export const STREAM_SOURCES = ['manual', 'import'] as const;
export type StreamSource = (typeof STREAM_SOURCES)[number];

export interface LivestreamBasesTable {
  id: Generated<number>;
  name: string;
  address: string | null;
  region_code: string;
  rooms: number | null;
  capacity: number | null;
  status: ColumnType<BaseStatus, BaseStatus | undefined, BaseStatus>;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LivestreamHostsTable {
  id: Generated<number>;
  base_id: number;
  name: string;
  /** Normalised 11-digit mainland mobile: the host's identity. */
  mobile: string;
  village_code: string | null;
  status: ColumnType<HostStatus, HostStatus | undefined, HostStatus>;
  joined_on: DateText | null;
  /** The trainee this host is, once a person confirmed the suggestion. */
  trainee_id: ColumnType<number | null, number | null | undefined, number | null>;
  trainee_linked_by: ColumnType<number | null, number | null | undefined, number | null>;
  trainee_linked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  version: ColumnType<number, number | undefined, number>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LivestreamAccountsTable {
  id: Generated<number>;
  host_id: number;
  platform: LivestreamPlatform;
  account_id: string;
  handle: string | null;
  created_at: CreatedAt;
}

export interface LivestreamStreamsTable {
  id: Generated<number>;
  host_id: number;
  base_id: number;
  platform: LivestreamPlatform;
  started_at: ColumnType<Date, Date | string, Date | string>;
  duration_seconds: number;
  viewers: number | null;
  peak_viewers: number | null;
  new_followers: number | null;
  orders: number | null;
  buyers: number | null;
  gmv_fen: number | null;
  farm_products: ColumnType<boolean, boolean | undefined, boolean>;
  main_products: string | null;
  source: ColumnType<StreamSource, StreamSource | undefined, StreamSource>;
  recorded_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Snapshot (livestream.recompute): one host's month on one platform, and whether active at its end. */
export interface HostMonthStatsTable {
  host_id: number;
  platform: LivestreamPlatform;
  /** The month's first day. */
  month: DateText;
  base_id: number;
  /** The day activity was judged on: the month's last day, or the run's day for the current month. */
  as_of: DateText;
  streams: number;
  qualifying_streams: number;
  duration_seconds: number;
  gmv_fen: number;
  viewers: number;
  buyers: number;
  orders: number;
  new_followers: number;
  window_streams: number;
  active_at_month_end: boolean;
  rule_version: number;
  computed_at: CreatedAt;
}

/** Snapshot: active hosts and totals per month, base and platform ('all': distinct hosts). */
export interface LivestreamActiveStatsTable {
  month: DateText;
  base_id: number;
  platform: LivestreamPlatform | 'all';
  as_of: DateText;
  active_hosts: number;
  streaming_hosts: number;
  streams: number;
  duration_seconds: number;
  gmv_fen: number;
  rule_version: number;
  computed_at: CreatedAt;
}

/** One write sent with a client-made idempotency key, and its first answer (a replay answers it again). */
export interface ClientKeysTable {
  user_id: number;
  key: string;
  kind: string;
  result: Json;
  created_at: CreatedAt;
}

export interface Database {
  regions: RegionsTable;
  region_rollups: RegionRollupsTable;
  users: UsersTable;
  user_scopes: UserScopesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  targets: TargetsTable;
  rule_versions: RuleVersionsTable;
  stations: StationsTable;
  station_status_history: StationStatusHistoryTable;
  ledger_entries: LedgerEntriesTable;
  import_mappings: ImportMappingsTable;
  station_month_stats: StationMonthStatsTable;
  station_activity: StationActivityTable;
  metric_values: MetricValuesTable;
  app_secrets: AppSecretsTable;
  courses: CoursesTable;
  course_sessions: CourseSessionsTable;
  trainees: TraineesTable;
  attendance: AttendanceTable;
  training_outcomes: TrainingOutcomesTable;
  course_completions: CourseCompletionsTable;
  qr_check_in_attempts: QrCheckInAttemptsTable;
  training_conversion_stats: TrainingConversionStatsTable;
  training_funnel_stats: TrainingFunnelStatsTable;
  livestream_bases: LivestreamBasesTable;
  livestream_hosts: LivestreamHostsTable;
  livestream_accounts: LivestreamAccountsTable;
  livestream_streams: LivestreamStreamsTable;
  host_month_stats: HostMonthStatsTable;
  livestream_active_stats: LivestreamActiveStatsTable;
  client_keys: ClientKeysTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Region = Selectable<RegionsTable>;
