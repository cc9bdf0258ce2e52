import type { RouteRecordRaw } from 'vue-router';

// 直播看板, 主播排行 and 活跃主播规则: the figures of livestreaming (the server narrows managers to their bases).
const routes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'livestream-dashboard',
    component: () => import('@/views/livestream/metrics-dashboard-page.vue'),
    meta: { titleKey: 'livestreamMetrics.dashboard.title', icon: 'trend-charts', order: 39 },
  },
  {
    path: 'leaderboard',
    name: 'livestream-leaderboard',
    component: () => import('@/views/livestream/leaderboard-page.vue'),
    meta: { titleKey: 'livestreamMetrics.leaderboard.title', icon: 'trophy', order: 45 },
  },
  {
    // Versions of the active-host rule: only the administrator adds one (the server refuses others too).
    path: 'rule',
    name: 'livestream-rule',
    component: () => import('@/views/livestream/rule-page.vue'),
    meta: { titleKey: 'livestreamMetrics.rule.title', icon: 'setting', order: 46, roles: ['admin'] },
  },
];

export default routes;
