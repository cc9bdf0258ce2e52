import type { RouteRecordRaw } from 'vue-router';

// 学员: one person across all courses; profile, and possible duplicates to merge.
const routes: RouteRecordRaw[] = [
  {
    path: 'trainees',
    name: 'training-trainees',
    component: () => import('@/views/training/trainees-page.vue'),
    meta: { titleKey: 'trainees.title', icon: 'user', order: 31 },
  },
  {
    path: 'trainees/:id(\\d+)',
    name: 'training-trainee',
    component: () => import('@/views/training/trainee-profile-page.vue'),
    meta: { titleKey: 'trainees.profile.title', hideInMenu: true },
  },
  {
    path: 'trainees/duplicates',
    name: 'training-trainee-duplicates',
    component: () => import('@/views/training/trainee-duplicates-page.vue'),
    meta: { titleKey: 'trainees.duplicates.title', hideInMenu: true },
  },
];

export default routes;
