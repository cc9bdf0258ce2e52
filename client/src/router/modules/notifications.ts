import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'notification-thresholds',
    name: 'notification-thresholds',
    component: () => import('@/views/notifications/thresholds-page.vue'),
    meta: { titleKey: 'notifications.rule.title', roles: ['admin'], icon: 'setting', order: 98 },
  },
];

export default routes;
