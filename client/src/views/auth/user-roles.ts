import type { Role, RouterOutputs } from '@/api/trpc';

export type User = RouterOutputs['auth']['users']['list']['items'][number];

/**
 * The kind of scope each role works in, as the server decides it (admin and staff: none). Also the
 * list of roles, in the order the pickers show them.
 */
export const SCOPE_KIND_OF_ROLE: Record<Role, 'region' | 'station' | 'base' | null> = {
  admin: null,
  staff: null,
  training_coordinator: 'region',
  station_operator: 'station',
  livestream_manager: 'base',
};

export const ROLES = Object.keys(SCOPE_KIND_OF_ROLE) as Role[];

/** The scopes to send for a role: only its own kind, the others empty (the server refuses them). */
export function scopesForRole(role: Role, scopes: User['scopes']): User['scopes'] {
  const kind = SCOPE_KIND_OF_ROLE[role];
  return {
    regions: kind === 'region' ? scopes.regions : [],
    stations: kind === 'station' ? scopes.stations : [],
    bases: kind === 'base' ? scopes.bases : [],
  };
}
