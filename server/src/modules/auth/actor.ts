import type { Role } from '../../db/types';

/** The logged-in user as every service sees them: identity, role and the scopes the role works in. */
export interface Actor {
  id: number;
  loginName: string;
  displayName: string;
  role: Role;
  scopes: ActorScopes;
}

export interface ActorScopes {
  /** 12-digit region codes (a coordinator's towns); a code covers everything beneath it. */
  regions: string[];
  /** Station ids (a station operator's stations). */
  stations: string[];
  /** Livestream base ids (a base manager's bases). */
  bases: string[];
}

/** The system itself (boot, seeds, jobs) when it writes audited rows. */
export const SYSTEM_ACTOR = { id: null, loginName: 'system', ip: null } as const;
