import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig } from 'vite';

// The API server the dev server forwards to (CUNTONG_DEV_API to point it elsewhere).
const server = process.env.CUNTONG_DEV_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus on demand: each <el-*> used in a template brings only its own code and CSS.
    // Our own components are imported explicitly (dirs: []).
    Components({ dirs: [], resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: 'src/components.d.ts' }),
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
