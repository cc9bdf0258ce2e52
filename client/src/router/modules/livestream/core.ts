import type { RouteRecordRaw } from 'vue-router';

// 主播, 直播场次 and 直播基地: the livestream records (the server narrows base managers to their bases).
const routes: RouteRecordRaw[] = [
  {
    path: 'hosts',
    name: 'livestream-hosts',
    component: () => import('@/views/livestream/hosts-page.vue'),
    meta: { titleKey: 'livestream.hosts.title', icon: 'user', order: 41 },
  },
  {
    path: 'hosts/:id(\\d+)',
    name: 'livestream-host',
    component: () => import('@/views/livestream/host-profile-page.vue'),
    meta: { titleKey: 'livestream.host.title', hideInMenu: true },
  },
  {
    path: 'streams',
    name: 'livestream-streams',
    component: () => import('@/views/livestream/streams-page.vue'),
    meta: { titleKey: 'livestream.streams.title', icon: 'video-camera', order: 42 },
  },
  {
    // the base manager's phone after a broadcast: one stream, big fields
    path: 'streams/new',
    name: 'livestream-stream-new',
    component: () => import('@/views/livestream/stream-entry-page.vue'),
    meta: { titleKey: 'livestream.entry.title', hideInMenu: true },
  },
  {
    path: 'streams/:id(\\d+)/edit',
    name: 'livestream-stream-edit',
    component: () => import('@/views/livestream/stream-entry-page.vue'),
    meta: { titleKey: 'livestream.entry.editTitle', hideInMenu: true },
  },
  {
    path: 'bases',
    name: 'livestream-bases',
    component: () => import('@/views/livestream/bases-page.vue'),
    meta: { titleKey: 'livestream.bases.title', icon: 'house', order: 44 },
  },
];

export default routes;
