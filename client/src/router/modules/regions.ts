import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'regions',
    name: 'regions',
    component: () => import('@/views/regions/regions-page.vue'),
    meta: { titleKey: 'regions.title', icon: 'map-location', order: 10 },
  },
];

export default routes;
