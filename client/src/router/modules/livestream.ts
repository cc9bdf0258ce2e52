import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/trpc';

/** Who works with livestreaming: the bureau, and base managers within their bases (the server narrows them). */
const livestreamers: Role[] = ['admin', 'staff', 'livestream_manager'];

// The pages of 直播, one file per capability in ./livestream; they share this menu group.
const capabilities = import.meta.glob<RouteRecordRaw[]>('./livestream/*.ts', { eager: true, import: 'default' });

const routes: RouteRecordRaw[] = [
  {
    // A menu group: /livestream/… pages render straight into the layout (no component of its own).
    path: 'livestream',
    redirect: { name: 'livestream-hosts' },
    meta: { titleKey: 'livestream.menu', roles: livestreamers, icon: 'video-camera', order: 40 },
    children: Object.values(capabilities).flat(),
  },
];

export default routes;
