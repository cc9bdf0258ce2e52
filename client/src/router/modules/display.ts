import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    // The wall screen of the service centre: no login, its read-only link is the key; outside the app layout.
    path: '/screen/:token',
    name: 'big-screen',
    component: () => import('@/views/display/big-screen-page.vue'),
    meta: { titleKey: 'display.screen.pageTitle', public: true },
  },
  {
    path: 'display-links',
    name: 'display-links',
    component: () => import('@/views/display/display-links-page.vue'),
    meta: { titleKey: 'display.links.title', roles: ['admin'], icon: 'data-line', order: 97 },
  },
];

export default routes;
