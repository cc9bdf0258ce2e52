// What the login page downloads: every script, modulepreload and stylesheet dist/index.html
// references (the login route is eager; every other page is a lazy chunk). Prints gzip bytes.
// Run after `pnpm build`: `pnpm --filter @cuntong/client size`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = 0;
for (const ref of refs) {
  const gz = gzipSync(fs.readFileSync(path.join(dist, ref)), { level: 9 }).length;
  total += gz;
  console.log(`${String(gz).padStart(8)}  ${ref}`);
}
console.log(`${String(total).padStart(8)}  total gzip bytes (${(total / 1024).toFixed(1)} KiB) for the login route`);
