import type { RouteRecordRaw } from 'vue-router';
// The one page loaded with the app itself: everything else is fetched when first opened.
import LoginPage from '@/views/auth/login-page.vue';

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { titleKey: 'auth.login.title', public: true } },
];

export default routes;
