import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who reads stations; the server narrows operators to their own and coordinators to their towns. */
const readers: Role[] = ['admin', 'staff', 'station_operator', 'training_coordinator'];

const routes: RouteRecordRaw[] = [
  {
    path: 'stations',
    name: 'stations',
    component: () => import('@/views/stations/stations-page.vue'),
    meta: { titleKey: 'stations.title', roles: readers, icon: 'shop', order: 20 },
  },
  {
    path: 'stations/:id(\\d+)',
    name: 'station-detail',
    component: () => import('@/views/stations/station-detail-page.vue'),
    meta: { titleKey: 'stations.detail.title', roles: readers, hideInMenu: true },
  },
];

export default routes;
