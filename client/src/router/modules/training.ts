import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who runs training: the bureau, and coordinators within their towns (the server narrows them). */
const trainers: Role[] = ['admin', 'staff', 'training_coordinator'];

// The pages of 电商培训, one file per capability in ./training; they share this menu group.
const capabilities = import.meta.glob<RouteRecordRaw[]>('./training/*.ts', { eager: true, import: 'default' });

const courses: RouteRecordRaw[] = [
  {
    path: 'courses',
    name: 'training',
    component: () => import('@/views/training/courses-page.vue'),
    meta: { titleKey: 'training.courses.title', icon: 'reading', order: 30 },
  },
  {
    path: 'courses/:id(\\d+)',
    name: 'training-course',
    component: () => import('@/views/training/course-detail-page.vue'),
    meta: { titleKey: 'training.course.title', hideInMenu: true },
  },
  {
    // The coordinator's phone in the hall: search, tap, next.
    path: 'sessions/:id(\\d+)/check-in',
    name: 'training-check-in',
    component: () => import('@/views/training/check-in-page.vue'),
    meta: { titleKey: 'training.checkIn.title', hideInMenu: true },
  },
  {
    // The projector: a large rotating QR code and the count so far.
    path: 'sessions/:id(\\d+)/qr',
    name: 'training-qr',
    component: () => import('@/views/training/qr-page.vue'),
    meta: { titleKey: 'training.qr.title', hideInMenu: true },
  },
];

const routes: RouteRecordRaw[] = [
  {
    // A menu group: /training/… pages render straight into the layout (no component of its own).
    path: 'training',
    redirect: { name: 'training' },
    meta: { titleKey: 'training.menu', roles: trainers, icon: 'reading', order: 30 },
    children: [...courses, ...Object.values(capabilities).flat()],
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
