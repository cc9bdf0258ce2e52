import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who runs training: the bureau, and coordinators within their towns (the server narrows them). */
const trainers: Role[] = ['admin', 'staff', 'training_coordinator'];

const routes: RouteRecordRaw[] = [
  {
    path: 'training/courses',
    name: 'training',
    component: () => import('@/views/training/courses-page.vue'),
    meta: { titleKey: 'training.courses.title', roles: trainers, icon: 'reading', order: 30 },
  },
  {
    path: 'training/courses/:id(\\d+)',
    name: 'training-course',
    component: () => import('@/views/training/course-detail-page.vue'),
    meta: { titleKey: 'training.course.title', roles: trainers, hideInMenu: true },
  },
  {
    // The coordinator's phone in the hall: search, tap, next.
    path: 'training/sessions/:id(\\d+)/check-in',
    name: 'training-check-in',
    component: () => import('@/views/training/check-in-page.vue'),
    meta: { titleKey: 'training.checkIn.title', roles: trainers, hideInMenu: true },
  },
  {
    // The projector: a large rotating QR code and the count so far.
    path: 'training/sessions/:id(\\d+)/qr',
    name: 'training-qr',
    component: () => import('@/views/training/qr-page.vue'),
    meta: { titleKey: 'training.qr.title', roles: trainers, hideInMenu: true },
  },
  {
    // The trainee's own phone, from the QR code: no login, outside the app layout.
    path: '/checkin',
    name: 'public-check-in',
    component: () => import('@/views/training/public-check-in-page.vue'),
    meta: { titleKey: 'training.public.title', public: true },
  },
];

export default routes;
