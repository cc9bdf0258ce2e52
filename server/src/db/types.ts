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

export interface Database {
  regions: RegionsTable;
  region_rollups: RegionRollupsTable;
  users: UsersTable;
  user_scopes: UserScopesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  audit_log: AuditLogTable;
  targets: TargetsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Region = Selectable<RegionsTable>;
