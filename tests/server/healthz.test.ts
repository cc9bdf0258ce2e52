import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, VERSION } from '@cuntong/server/app';
import { createDb } from '@cuntong/server/db/create-db';
import { createBullmqQueue } from '@cuntong/server/jobs/bullmq-queue';
import { jobDefinitions } from '@cuntong/server/jobs/handlers';
import { buildRegistry } from '@cuntong/server/jobs/registry';
import { createHarness, silentLog, testConfig, type Harness } from '../support/harness';
import { hasRedis, NO_REDIS_REASON, REDIS_URL } from '../support/env';

describe('GET /healthz and the served client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ regions: false });
  });
  afterAll(() => h.close());

  it('reports the database and the in-process queue', async () => {
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ db: 'ok', queue: 'inline', version: VERSION });
  });

  it('answers 503 and names the database when it is unreachable', async () => {
    const dead = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere', poolSize: 1 });
    try {
      const app = createApp({ ...h.deps, db: dead.db }, { clientDir: '/nonexistent' });
      const res = await app.request('/healthz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ db: 'error', queue: 'inline', version: VERSION, dbError: expect.any(String) });
    } finally {
      await dead.close();
    }
  });

  it('serves the built client with an SPA fallback, but never for the API', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cuntong-client-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    const app = createApp(h.deps, { clientDir: dir });
    const home = await app.request('/');
    expect(await home.text()).toContain('id="app"');
    const deep = await app.request('/regions/370481000000');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('id="app"');
    const asset = await app.request('/assets/app-abc123.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/trpc/no.such.procedure')).status).toBe(404);
    fs.rmSync(dir, { recursive: true });
  });
});

describe.runIf(hasRedis)(`GET /healthz with BullMQ${hasRedis ? '' : ` (skipped: ${NO_REDIS_REASON})`}`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ regions: false });
  });
  afterAll(() => h.close());

  const registry = buildRegistry(jobDefinitions);

  it('reports bullmq and a healthy Redis', async () => {
    const queue = createBullmqQueue({ redisUrl: REDIS_URL!, prefix: 'cuntong-health', registry, log: silentLog });
    try {
      const res = await createApp({ ...h.deps, queue }, { clientDir: '/nonexistent' }).request('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ db: 'ok', queue: 'bullmq', redis: 'ok', version: VERSION });
    } finally {
      await queue.close();
    }
  });

  it('answers 503 and names Redis when it is unreachable', async () => {
    const queue = createBullmqQueue({ redisUrl: 'redis://127.0.0.1:1', prefix: 'cuntong-health', registry, log: silentLog });
    try {
      const res = await createApp({ ...h.deps, queue, config: testConfig }, { clientDir: '/nonexistent' }).request('/healthz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ db: 'ok', queue: 'bullmq', redis: 'error' });
    } finally {
      await queue.close();
    }
  });
});
