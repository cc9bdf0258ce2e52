import { createRouter, createWebHistory, type RouteMeta, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';
import './route-meta';

// One file per feature in ./modules, each exporting its routes. Public routes (login) stand alone;
// the rest are pages inside the app layout, with paths relative to "/".
const modules = import.meta.glob<RouteRecordRaw[]>('./modules/*.ts', { eager: true, import: 'default' });
const byOrder = (a: RouteRecordRaw, b: RouteRecordRaw) => (a.meta?.order ?? 100) - (b.meta?.order ?? 100);
const moduleRoutes = Object.values(modules).flat().sort(byOrder);

export const publicRoutes = moduleRoutes.filter((route) => route.meta?.public);
/** The pages of the app layout: the sidebar menu is built from these. */
export const appRoutes = moduleRoutes.filter((route) => !route.meta?.public);

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...publicRoutes,
    { path: '/', component: () => import('@/layouts/basic-layout/basic-layout.vue'), children: appRoutes },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

/** Whether a role may open a route with this meta (no `roles`: everyone logged in). */
export function roleAllows(meta: RouteMeta | undefined, role: Role): boolean {
  return !meta?.roles || meta.roles.includes(role);
}

/** One entry of the sidebar: a page (`routeName`), or a group of pages (`children`). */
export interface MenuEntry {
  /** Route name of a page; for a group, "group:<path>". */
  key: string;
  titleKey: string;
  icon?: string;
  /** Set for a page: where the entry goes. */
  routeName?: string;
  children: MenuEntry[];
}

/**
 * The menu a role sees: the app pages it may open, in `meta.order`, with titles. Detail pages
 * (`hideInMenu`, or paths with a parameter) and groups left without a page are not listed.
 */
export function menuFor(role: Role, routes: readonly RouteRecordRaw[] = appRoutes): MenuEntry[] {
  const entries: MenuEntry[] = [];
  for (const route of [...routes].sort(byOrder)) {
    const meta = route.meta;
    if (!roleAllows(meta, role) || meta?.hideInMenu || !meta?.titleKey || route.path.includes(':')) continue;
    const children = route.children?.length ? menuFor(role, route.children) : [];
    if (route.children?.length && !children.length && !route.name) continue;
    if (children.length) {
      entries.push({ key: `group:${route.path}`, titleKey: meta.titleKey, icon: meta.icon, children });
    } else if (typeof route.name === 'string') {
      entries.push({ key: route.name, titleKey: meta.titleKey, icon: meta.icon, routeName: route.name, children: [] });
    }
  }
  return entries;
}

/** Every page entry of a menu, groups flattened. */
export function menuPages(entries: readonly MenuEntry[]): MenuEntry[] {
  return entries.flatMap((entry) => (entry.routeName ? [entry] : menuPages(entry.children)));
}
