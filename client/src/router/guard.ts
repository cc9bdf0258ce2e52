import type { LocationQueryValue, Router } from 'vue-router';
import { errorMessage } from '@/api/errors';
import { onUnauthorized } from '@/api/trpc';
import { i18n } from '@/i18n';
import { useAuthStore } from '@/stores/use-auth-store';
import { toast } from '@/utils/toast';
import { roleAllows } from './index';

/** Where to go after login: only a path inside this app (not "//other.site", not the login page). */
export function safeRedirect(value: LocationQueryValue | LocationQueryValue[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  return path && /^\/(?![/\\])/.test(path) && !/^\/login(?:[/?#]|$)/.test(path) ? path : '/';
}

function loginLocation(redirect: string) {
  return { name: 'login', query: redirect === '/' ? {} : { redirect } };
}

export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    try {
      await auth.ensureLoaded();
    } catch (error) {
      // Server unreachable: say so, and treat the visitor as not logged in for now (asked again next time).
      toast('error', errorMessage(error));
    }

    if (to.meta.public) {
      return to.name === 'login' && auth.isLoggedIn ? safeRedirect(to.query.redirect) : true;
    }
    if (!auth.actor) return loginLocation(to.fullPath);
    // Every route on the way down must allow the role: a child page cannot escape its parent's roles.
    const role = auth.actor.role;
    if (!to.matched.every((record) => roleAllows(record.meta, role))) {
      toast('warning', i18n.global.t('common.errors.forbiddenRoute'));
      return { name: 'home', replace: true };
    }
    return true;
  });

  // A call failed because the session is gone (expired, logged out elsewhere): back to login, and
  // back here afterwards.
  onUnauthorized((error) => {
    useAuthStore().signedOut(error.message);
    const current = router.currentRoute.value;
    if (!current.meta.public) void router.replace(loginLocation(current.fullPath));
  });
}
