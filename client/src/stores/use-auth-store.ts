import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isApiError, isUnauthorized, trpc, type Actor, type RouterOutputs } from '@/api/trpc';
import { i18n } from '@/i18n';

type LoginResult = RouterOutputs['auth']['session']['login'];

/**
 * Who was last logged in on this device, so that a page reloaded with no signal opens as them (the
 * app comes from the service worker's cache; what they save waits in the outbox). Only for the
 * screen: the server checks the session cookie on every call. Forgotten at logout.
 */
const LAST_ACTOR = 'cuntong.lastActor';
function remember(actor: Actor | null): void {
  try {
    if (actor) localStorage.setItem(LAST_ACTOR, JSON.stringify(actor));
    else localStorage.removeItem(LAST_ACTOR);
  } catch {
    // storage disabled: no offline start
  }
}
function remembered(): Actor | null {
  try {
    const actor = JSON.parse(localStorage.getItem(LAST_ACTOR) ?? 'null') as Actor | null;
    return actor && typeof actor.id === 'number' && typeof actor.role === 'string' ? actor : null;
  } catch {
    return null;
  }
}

/** Who is logged in. Asks the server once (`auth.session.me`); login and logout keep it current. */
export const useAuthStore = defineStore('auth', () => {
  const actor = ref<Actor | null>(null);
  const loaded = ref(false);
  /** A one-time password must be replaced first; the server refuses everything else until then. */
  const mustChangePassword = ref(false);
  /** Why the user was sent to the login page ("your session expired"), in words; shown there. */
  const notice = ref<string | null>(null);

  const isLoggedIn = computed(() => actor.value !== null);
  const role = computed(() => actor.value?.role ?? null);

  let pending: Promise<void> | null = null;

  /** Loads the session on first use; later calls return at once. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    pending ??= trpc.auth.session.me
      .query()
      .then((me) => {
        if (me.actor) {
          actor.value = me.actor;
          mustChangePassword.value = me.mustChangePassword;
          remember(me.actor);
        }
        else signedOut(me.sessionProblem === 'expired' ? i18n.global.t('auth.session.expired') : null);
        loaded.value = true;
      })
      .catch((error: unknown) => {
        // No answer at all (no signal): the device's last user, until the server can be asked again.
        const last = isApiError(error) && error.data?.appCode ? null : remembered();
        if (!last) throw error;
        actor.value = last;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  function setMustChangePassword(value: boolean): void {
    mustChangePassword.value = value;
  }

  function signedIn(result: LoginResult): void {
    actor.value = result.actor;
    remember(result.actor);
    loaded.value = true;
    notice.value = null;
    setMustChangePassword(result.mustChangePassword);
  }

  /** Forget the user locally (after logout, or when the server says the session is gone). */
  function signedOut(reason: string | null = null): void {
    actor.value = null;
    remember(null);
    loaded.value = true;
    notice.value = reason;
    setMustChangePassword(false);
  }

  /** Ends the session on the server; if that fails (offline), the user stays logged in and is told. */
  async function logout(): Promise<void> {
    try {
      await trpc.auth.session.logout.mutate();
    } catch (error) {
      if (!isUnauthorized(error)) throw error; // already logged out: fine
    }
    signedOut();
  }

  return { actor, loaded, mustChangePassword, notice, isLoggedIn, role, ensureLoaded, setMustChangePassword, signedIn, signedOut, logout };
});
