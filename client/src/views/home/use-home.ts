import { storeToRefs } from 'pinia';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { menuFor, menuPages } from '@/router';
import { useAuthStore } from '@/stores/use-auth-store';
import { useTownNames } from '@/views/auth/use-towns';

export function useHome() {
  const { t } = useI18n();
  const { actor } = storeToRefs(useAuthStore());
  const { townName } = useTownNames();

  const greeting = computed(() => (actor.value ? t('home.welcome', { name: actor.value.displayName }) : ''));
  const identity = computed(() =>
    actor.value ? t('home.identity', { role: t(`common.roles.${actor.value.role}`), loginName: actor.value.loginName }) : '',
  );

  /** The pages this user may open, as in the menu (the home page itself left out). */
  const pages = computed(() => (actor.value ? menuPages(menuFor(actor.value.role)).filter((page) => page.routeName !== 'home') : []));

  /** The towns a region-scoped user works in, by name. */
  const towns = computed(() => (actor.value?.scopes.regions ?? []).map(townName).join('、'));

  /** Station operators come for the day's ledger: it gets a button of its own. */
  const ledgerFirst = computed(() => actor.value?.role === 'station_operator');

  const role = computed(() => actor.value?.role ?? null);

  return { t, greeting, identity, pages, towns, ledgerFirst, role };
}
