import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'home',
    component: () => import('@/views/home/home-page.vue'),
    meta: { titleKey: 'home.title', icon: 'house', order: 0 },
  },
];

export default routes;
