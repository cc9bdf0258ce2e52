import type { Role } from '@/api/trpc';

declare module 'vue-router' {
  interface RouteMeta {
    /** vue-i18n key of the page title (tab title now; menu label once the sidebar arrives). */
    titleKey?: string;
    /** Roles that may open the route; absent: every logged-in user. Children inherit it. */
    roles?: Role[];
    /** Menu icon name, for the sidebar. */
    icon?: string;
    /** Menu position, smaller first. */
    order?: number;
    /** Reachable without logging in (login page). Public routes sit outside the app layout. */
    public?: boolean;
  }
}

export {};
