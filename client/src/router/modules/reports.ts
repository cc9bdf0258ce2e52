import type { RouteRecordRaw } from 'vue-router';

const bureau = ['admin', 'staff'] as const;

const routes: RouteRecordRaw[] = [
  {
    path: 'reports',
    name: 'reports',
    component: () => import('@/views/reports/reports-page.vue'),
    meta: { titleKey: 'reports.title', roles: [...bureau], icon: 'document', order: 85 },
  },
  {
    path: 'reports/:period(\\d{4}-\\d{2})/print',
    name: 'report-print',
    component: () => import('@/views/reports/report-print-page.vue'),
    meta: { titleKey: 'reports.print.pageTitle', roles: [...bureau], hideInMenu: true },
  },
];

export default routes;
