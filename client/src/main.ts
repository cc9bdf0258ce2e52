import { VueQueryPlugin } from '@tanstack/vue-query';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { queryClient } from '@/api/query-client';
import { DEFAULT_LANG, i18n, savedLang, setLang } from '@/i18n';
import { router } from '@/router';
import { installGuards } from '@/router/guard';
import App from './app.vue';
import './styles/index.css';

async function start(): Promise<void> {
  // If the saved language's messages cannot be fetched, start in Chinese (bundled) rather than not at all.
  await setLang(savedLang()).catch(() => setLang(DEFAULT_LANG));
  const app = createApp(App);
  app.use(createPinia());
  app.use(i18n);
  app.use(VueQueryPlugin, { queryClient });
  installGuards(router);
  app.use(router);
  await router.isReady();
  app.mount('#app');
}

void start();
