import type { RouteRecordRaw } from 'vue-router';

// 导入直播数据: a platform's session export (抖音罗盘, 生意参谋, 视频号) checked row by row, then written.
const routes: RouteRecordRaw[] = [
  {
    path: 'import',
    name: 'livestream-import',
    component: () => import('@/views/livestream/livestream-import-page.vue'),
    meta: { titleKey: 'livestreamImport.title', icon: 'document', order: 43 },
  },
];

export default routes;
