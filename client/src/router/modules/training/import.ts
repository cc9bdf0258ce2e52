import type { RouteRecordRaw } from 'vue-router';

// Attendance from paper: a sign-in sheet from Excel, or a ticked paper list.
const routes: RouteRecordRaw[] = [
  {
    // 导入签到表: a course's sign-in sheet from Excel, checked row by row before it is written.
    path: 'courses/:id(\\d+)/import',
    name: 'training-import',
    component: () => import('@/views/training/training-import-page.vue'),
    meta: { titleKey: 'trainingImport.title', hideInMenu: true },
  },
  {
    // 纸质名单补录: tick the paper list, mark them all.
    path: 'sessions/:id(\\d+)/bulk',
    name: 'training-bulk-mark',
    component: () => import('@/views/training/bulk-mark-page.vue'),
    meta: { titleKey: 'trainingImport.bulk.title', hideInMenu: true },
  },
];

export default routes;
