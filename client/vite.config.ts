import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The API server the dev server forwards to (CUNTONG_DEV_API to point it elsewhere).
const server = process.env.CUNTONG_DEV_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: each <el-*> used in a template brings only its own code and CSS.
    // Our own components are imported explicitly (dirs: []).
    Components({ dirs: [], resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: 'src/components.d.ts' }),
    // An installable app whose shell is cached: a village operator who reloads with no signal gets
    // the app (and the outbox), not the browser's offline page. The service worker precaches the
    // built shell and every chunk (pages are lazy, and any may be opened offline); the API is never
    // cached — it goes to the network, and a write that cannot goes to the outbox. Registered by a
    // script file (the CSP allows no inline script), in production builds only.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
      manifest: {
        name: '村通 · 县域电商进农村',
        short_name: '村通',
        description: '县域电子商务进农村运营平台',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#2f7d4f',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        // ECharts' chunk is over the 2 MiB default; the shell must hold every page.
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        // the page of the first visit is served by it at once, not only from the next visit on
        clientsClaim: true,
        // Client routes answer with the cached shell; the API and the health check never do (and
        // there is no runtime caching: nothing under /trpc is ever kept).
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/trpc/, /^\/healthz/],
      },
    }),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    // vue-i18n: composition API only, so the legacy API is left out of the bundle.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    // Keep the browser's Host header: the API refuses mutations whose Origin is not its own host.
    proxy: {
      '/trpc': { target: server, changeOrigin: false },
      '/healthz': { target: server, changeOrigin: false },
    },
  },
});
