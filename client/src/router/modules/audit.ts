import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/views/audit/audit-page.vue'),
    meta: { titleKey: 'audit.title', roles: ['admin'], icon: 'document', order: 95 },
  },
];

export default routes;
