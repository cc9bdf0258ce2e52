import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@cuntong/server/app';
import { createHarness, type Harness } from '../support/harness';

describe('the installable shell as the server serves it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ regions: false });
  });
  afterAll(() => h.close());

  it('serves the service worker at the root (scope /) and its manifest, never cached by HTTP, the API untouched', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-pwa-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
    fs.writeFileSync(path.join(dir, 'registerSW.js'), 'navigator.serviceWorker.register("/sw.js", { scope: "/" })');
    fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"村通"}');
    const app = createApp(h.deps, { clientDir: dir });
    const sw = await app.request('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect((await app.request('/registerSW.js')).headers.get('cache-control')).toBe('no-cache');
    const manifest = await app.request('/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    expect(JSON.parse(await manifest.text())).toEqual({ name: '村通' });
    expect((await app.request('/trpc/no.such.procedure')).headers.get('cache-control')).toBe('no-store');
    fs.rmSync(dir, { recursive: true });
  });

  it('sends the shell gzipped to a browser that accepts it, and whole to one that does not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-gzip-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    const script = `export const rows = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `村${i}` })))};`;
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), script);
    const app = createApp(h.deps, { clientDir: dir });
    const gz = await app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const bytes = Buffer.from(await gz.arrayBuffer());
    expect(bytes.length).toBeLessThan(Buffer.byteLength(script) / 3);
    expect(zlib.gunzipSync(bytes).toString('utf8')).toBe(script);
    const plain = await app.request('/assets/index-abc123.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(script);
    fs.rmSync(dir, { recursive: true });
  });
});
