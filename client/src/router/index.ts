import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import './route-meta';

// One file per feature in ./modules, each exporting its routes. Public routes (login) stand alone;
// the rest are pages inside the app layout, with paths relative to "/".
const modules = import.meta.glob<RouteRecordRaw[]>('./modules/*.ts', { eager: true, import: 'default' });
const moduleRoutes = Object.values(modules)
  .flat()
  .sort((a, b) => (a.meta?.order ?? 100) - (b.meta?.order ?? 100));

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
