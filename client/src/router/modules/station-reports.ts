import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'stations/quiet',
    name: 'station-quiet',
    component: () => import('@/views/stations/quiet-stations-page.vue'),
    meta: { titleKey: 'stationReports.quiet.title', roles: ['admin', 'staff'], icon: 'histogram', order: 22 },
  },
  {
    path: 'stations/ranking',
    name: 'station-ranking',
    component: () => import('@/views/stations/town-ranking-page.vue'),
    meta: { titleKey: 'stationReports.ranking.title', roles: ['admin', 'staff'], icon: 'trophy', order: 23 },
  },
];

export default routes;
