import type { MessageKey } from '../../i18n/messages';
import type { Actor } from '../auth/actor';
import { regionScope } from '../auth/scope';

/**
 * Who sees a village or town in the Taobao work: admin and staff every one; a training coordinator
 * those of their towns (the region scope, on the place's own code: a village lies under its town's
 * prefix). Station operators and base managers have no part in it (the router's roles).
 */
export const taobaoScope = regionScope;

/** A place asked for by code: the same refusal whether it does not exist or lies outside the scope. */
export function placeRow<R extends { code: string }>(actor: Actor, row: R | undefined, missing: MessageKey = 'TAOBAO_PLACE_NOT_FOUND'): R {
  return taobaoScope.row(actor, row, (r) => r.code, missing);
}
