import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'ledger',
    name: 'ledger',
    component: () => import('@/views/stations/ledger-page.vue'),
    // Right after home: the page a station operator comes for every day.
    meta: { titleKey: 'ledger.title', roles: ['admin', 'staff', 'station_operator'], icon: 'tickets', order: 5 },
  },
];

export default routes;
