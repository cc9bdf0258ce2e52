import type { RouteRecordRaw } from 'vue-router';

// 驾驶舱: the cockpit itself is the bureau's home page (views/home); a town opens from its ranking.
const routes: RouteRecordRaw[] = [
  {
    path: 'cockpit/towns/:code(\\d{12})',
    name: 'cockpit-town',
    component: () => import('@/views/cockpit/cockpit-town-page.vue'),
    meta: { titleKey: 'cockpit.town.pageTitle', roles: ['admin', 'staff', 'training_coordinator'], hideInMenu: true },
  },
];

export default routes;
