import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'operations',
    name: 'operations',
    component: () => import('@/views/operations/operations-page.vue'),
    meta: { titleKey: 'operations.title', roles: ['admin'], icon: 'setting', order: 96 },
  },
];

export default routes;
