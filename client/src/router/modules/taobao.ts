import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who works on Taobao villages: the bureau, and coordinators within their towns (the server narrows them). */
const cultivators: Role[] = ['admin', 'staff', 'training_coordinator'];
const bureau: Role[] = ['admin', 'staff'];

// 淘宝村培育: the candidates, one place, the pipeline board, the bureau's imports and the criteria.
const routes: RouteRecordRaw[] = [
  {
    path: 'taobao',
    redirect: { name: 'taobao' },
    meta: { titleKey: 'taobao.menu', roles: cultivators, icon: 'shop', order: 45 },
    children: [
      {
        path: 'candidates',
        name: 'taobao',
        component: () => import('@/views/taobao/candidates-page.vue'),
        meta: { titleKey: 'taobao.candidates.title', roles: cultivators, icon: 'trend-charts', order: 45 },
      },
      {
        path: 'places/:code(\\d{12})',
        name: 'taobao-place',
        component: () => import('@/views/taobao/place-page.vue'),
        meta: { titleKey: 'taobao.place.title', roles: cultivators, hideInMenu: true },
      },
      {
        path: 'board',
        name: 'taobao-board',
        component: () => import('@/views/taobao/board-page.vue'),
        meta: { titleKey: 'taobao.board.title', roles: cultivators, icon: 'tickets', order: 46 },
      },
      {
        path: 'import',
        name: 'taobao-import',
        component: () => import('@/views/taobao/taobao-import-page.vue'),
        meta: { titleKey: 'taobao.import.title', roles: bureau, icon: 'files', order: 47 },
      },
      {
        path: 'criteria',
        name: 'taobao-criteria',
        component: () => import('@/views/taobao/criteria-page.vue'),
        meta: { titleKey: 'taobao.criteria.title', roles: bureau, icon: 'document', order: 48 },
      },
    ],
  },
];

export default routes;
