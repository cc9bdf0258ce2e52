import type { Role } from '@/api/trpc';

declare module 'vue-router' {
  interface RouteMeta {
    /** vue-i18n key of the page title: the tab title and the menu label. */
    titleKey?: string;
    /**
     * Roles that may open the route; absent: every logged-in user. A child is reachable only when
     * every route above it allows the role too (the guard checks the whole matched chain).
     */
    roles?: Role[];
    /**
     * Menu icon: an Element Plus icon name in kebab-case (house, user, map-location, document…),
     * one of those listed in layouts/basic-layout/menu-icons.ts; others get a generic icon.
     */
    icon?: string;
    /** Menu position, smaller first. */
    order?: number;
    /** Reachable without logging in (login page). Public routes sit outside the app layout. */
    public?: boolean;
    /** A page reached from another (a detail page): routable, but not an entry in the menu. */
    hideInMenu?: boolean;
  }
}

export {};
