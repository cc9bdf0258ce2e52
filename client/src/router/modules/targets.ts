import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'targets',
    name: 'targets',
    component: () => import('@/views/targets/targets-page.vue'),
    meta: { titleKey: 'targets.title', roles: ['admin', 'staff', 'training_coordinator', 'station_operator', 'livestream_manager'], icon: 'aim', order: 80 },
  },
];

export default routes;
