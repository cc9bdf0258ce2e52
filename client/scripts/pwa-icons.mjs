// The installable app's PNG icons, drawn from the SVGs in public/ by Debian's Chromium:
// `node client/scripts/pwa-icons.mjs` (run from the repository root; the PNGs are committed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const pub = path.join(here, '../public');
const { chromium } = createRequire(path.join(here, '../../tests/package.json'))('playwright-core');

const icons = [
  ['favicon.svg', 'icons/icon-192.png', 192],
  ['favicon.svg', 'icons/icon-512.png', 512],
  ['icons/maskable.svg', 'icons/maskable-512.png', 512],
  ['favicon.svg', 'icons/apple-touch-icon.png', 180],
];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
for (const [svg, png, size] of icons) {
  await page.setViewportSize({ width: size, height: size });
  const source = fs.readFileSync(path.join(pub, svg), 'utf8').replace('<svg ', `<svg width="${size}" height="${size}" `);
  await page.setContent(`<html><body style="margin:0;background:transparent">${source}</body></html>`);
  await page.screenshot({ path: path.join(pub, png), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}
await browser.close();
