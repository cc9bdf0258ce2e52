import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who works on shared delivery: the bureau, and hub staff (the operators of a hub's station; the server narrows them to their hub). */
const hubPeople: Role[] = ['admin', 'staff', 'station_operator'];
const bureau: Role[] = ['admin', 'staff'];

// 快递共配进村: hubs, carriers and vehicles; routes and their editor; the run log on a phone; coverage and costs.
const routes: RouteRecordRaw[] = [
  {
    path: 'courier',
    redirect: { name: 'courier-runs' },
    meta: { titleKey: 'courier.menu', roles: hubPeople, icon: 'van', order: 50 },
    children: [
      {
        path: 'runs',
        name: 'courier-runs',
        component: () => import('@/views/courier/run-log-page.vue'),
        meta: { titleKey: 'courierRuns.runLog.title', roles: hubPeople, icon: 'document', order: 50 },
      },
      {
        path: 'import',
        name: 'courier-import',
        component: () => import('@/views/courier/runs-import-page.vue'),
        meta: { titleKey: 'courierImport.title', roles: hubPeople, icon: 'files', order: 50.5 },
      },
      {
        path: 'coverage',
        name: 'courier-coverage',
        component: () => import('@/views/courier/coverage-page.vue'),
        meta: { titleKey: 'courierRuns.coverage.title', roles: bureau, icon: 'histogram', order: 51 },
      },
      {
        path: 'costs',
        name: 'courier-costs',
        component: () => import('@/views/courier/costs-page.vue'),
        meta: { titleKey: 'courierRuns.costs.title', roles: hubPeople, icon: 'data-line', order: 52 },
      },
      {
        path: 'routes',
        name: 'courier-routes',
        component: () => import('@/views/courier/routes-page.vue'),
        meta: { titleKey: 'courier.routes.title', roles: hubPeople, icon: 'map-location', order: 53 },
      },
      {
        path: 'planner',
        name: 'courier-planner',
        component: () => import('@/views/courier/planner-page.vue'),
        meta: { titleKey: 'planner.title', roles: bureau, icon: 'aim', order: 53.5 },
      },
      {
        path: 'routes/:id(\\d+)',
        name: 'courier-route',
        component: () => import('@/views/courier/route-editor-page.vue'),
        meta: { titleKey: 'courier.routeEditor.title', roles: hubPeople, hideInMenu: true },
      },
      {
        path: 'hubs',
        name: 'courier-hubs',
        component: () => import('@/views/courier/hubs-page.vue'),
        meta: { titleKey: 'courier.hubs.title', roles: hubPeople, icon: 'house', order: 54 },
      },
      {
        path: 'hubs/:id(\\d+)',
        name: 'courier-hub',
        component: () => import('@/views/courier/hub-page.vue'),
        meta: { titleKey: 'courier.hub.title', roles: hubPeople, hideInMenu: true },
      },
    ],
  },
];

export default routes;
