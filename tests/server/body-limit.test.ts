import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '@cuntong/server/lib/upload-limits';
import { cookiePair, createHarness, trpcHttp, type Harness } from '../support/harness';
import { sheetXlsx } from '../support/hostile-xlsx';

/**
 * Request bodies are limited before they are read (issue 10, item 8): a few KB without a session,
 * the largest upload with one; declared or chunked. Over a real socket, so "before it is read"
 * means the answer comes while the client is still sending.
 */
interface Answer {
  status: number;
  body: { error?: { message: string; data: { code: string; httpStatus: number; appCode: string; params: Record<string, unknown> } } };
}

/**
 * POST a body of `total` bytes in `chunk`-byte pieces (chunked unless `declare`), stopping as soon
 * as the server answers, or once `pauseAfter` bytes are sent: then only a server that answers
 * without reading the rest answers at all.
 */
function post(port: number, path: string, options: { total: number; chunk: number; declare?: boolean; pauseAfter?: number; headers?: Record<string, string> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.declare ? { 'content-length': String(options.total) } : {}), ...options.headers },
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        });
      },
    );
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const piece = Buffer.alloc(options.chunk, 0x20); // spaces: valid JSON padding, were it ever parsed
    const pump = () => {
      if (answered || sent >= (options.pauseAfter ?? Infinity)) return;
      if (sent >= options.total) return void req.end();
      const size = Math.min(options.chunk, options.total - sent);
      sent += size;
      if (req.write(piece.subarray(0, size))) setImmediate(pump);
      else req.once('drain', pump);
    };
    pump();
  });
}

describe('request body limits', () => {
  let h: Harness;
  let server: ServerType;
  let port: number;
  let cookie: string;

  beforeAll(async () => {
    h = await createHarness({ regions: false });
    server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    const user = await h.user('staff', { password: 'Upload2026x' });
    const login = await trpcHttp(h.app, 'auth.session.login', { mutation: true, input: { loginName: user.loginName, password: 'Upload2026x' } });
    expect(login.status).toBe(200);
    cookie = cookiePair(login.setCookie);
  });
  afterAll(async () => {
    server.close();
    await h.close();
  });

  it('refuses an anonymous 1 MB body declared by Content-Length before reading it, in the user’s language', async () => {
    // 1 KB of the declared 1 MB is sent, and no more: the answer comes without the rest
    const zh = await post(port, '/trpc/auth.session.login', { total: 1024 * 1024, chunk: 1024, declare: true, pauseAfter: 1024 });
    expect(zh.status).toBe(413);
    expect(zh.body.error!.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, appCode: 'REQUEST_TOO_LARGE', params: { max: '8 KB' } });
    expect(zh.body.error!.message).toBe('请求内容过大（上限 8 KB），未处理。导入的文件不能超过 10 MB。');

    const en = await post(port, '/trpc/training.qr.checkIn', { total: 1024 * 1024, chunk: 1024, declare: true, pauseAfter: 1024, headers: { 'x-cuntong-lang': 'en' } });
    expect(en.status).toBe(413);
    expect(en.body.error!.message).toBe('The request is too large (limit 8 KB) and was not read. An imported file may be at most 10 MB.');
  });

  it('refuses an anonymous chunked body without Content-Length as soon as it passes the limit', async () => {
    // 16 KB sent, and no more: answered once past 8 KB, without waiting for the end of the body
    const answer = await post(port, '/trpc/auth.session.login', { total: 1024 * 1024, chunk: 1024, pauseAfter: 16 * 1024 });
    expect(answer.status).toBe(413);
    expect(answer.body.error!.data.appCode).toBe('REQUEST_TOO_LARGE');
  });

  it('refuses the same for a body sent through the app without a socket (1 MB, no length)', async () => {
    const res = await h.app.request('http://localhost/trpc/auth.session.login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginName: 'x', password: 'y'.repeat(1024 * 1024) }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Answer['body']).error!.data.appCode).toBe('REQUEST_TOO_LARGE');
  });

  it('lets a logged-in user send the largest upload, and refuses one byte past the cap, declared or chunked', async () => {
    const declared = await post(port, '/trpc/stations.import.preview', { total: BODY_LIMITS.signedIn + 1, chunk: 64 * 1024, declare: true, pauseAfter: 64 * 1024, headers: { cookie } });
    expect(declared.status).toBe(413);
    expect(declared.body.error!.data).toMatchObject({ appCode: 'REQUEST_TOO_LARGE', params: { max: '13.4 MB' } });

    const chunked = await post(port, '/trpc/stations.import.preview', { total: BODY_LIMITS.signedIn + 1024 * 1024, chunk: 256 * 1024, headers: { cookie } });
    expect(chunked.status).toBe(413);
    expect(chunked.body.error!.data.appCode).toBe('REQUEST_TOO_LARGE');

    // the session's limit, not the anonymous one: a real file well past 8 KB is read and checked
    const file = sheetXlsx([['站点编码', '站点名称', '层级', '区划代码'], ...Array.from({ length: 400 }, (_, i) => [`X${i}`, `站点${i}`, '乡级', '370481000000'])]);
    expect(file.length).toBeGreaterThan(BODY_LIMITS.anonymous);
    const preview = await trpcHttp(h.app, 'stations.import.preview', { mutation: true, cookie, input: { fileBase64: file.toString('base64') } });
    expect(preview.status).toBe(200);
    expect(preview.body.result!.data).toMatchObject({ totalRows: 400, validRows: 0, problemTotal: 400 });
  });
});
