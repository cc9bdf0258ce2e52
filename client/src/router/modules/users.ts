import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: 'users',
    name: 'users',
    component: () => import('@/views/auth/users-page.vue'),
    meta: { titleKey: 'users.title', roles: ['admin'], icon: 'user', order: 90 },
  },
];

export default routes;
