import type { RouteRecordRaw } from 'vue-router';

// 培训看板, 回访 and 抽查: the figures and lists of conversion (the server narrows coordinators to their towns).
const routes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'training-dashboard',
    component: () => import('@/views/training/conversion-dashboard-page.vue'),
    meta: { titleKey: 'trainingConversion.dashboard.title', icon: 'trend-charts', order: 29 },
  },
  {
    path: 'follow-up',
    name: 'training-follow-up',
    component: () => import('@/views/training/follow-up-page.vue'),
    meta: { titleKey: 'trainingConversion.followUp.title', icon: 'calendar', order: 32 },
  },
  {
    path: 'spot-check',
    name: 'training-spot-check',
    component: () => import('@/views/training/spot-check-page.vue'),
    meta: { titleKey: 'trainingConversion.spotCheck.title', icon: 'files', order: 33 },
  },
];

export default routes;
