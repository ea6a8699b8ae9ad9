import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { requireChromium } from './chromium';

// node --import tsx scripts/icons.ts: renders scripts/icon.svg into public/icon/<size>.png, the
// icons WXT puts in the manifest. Run after changing the SVG and commit the PNGs.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SIZES = [16, 32, 48, 128] as const;

async function main(): Promise<void> {
  const svg = readFileSync(join(ROOT, 'scripts/icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: await requireChromium(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}${size <= 16 ? '.detail{display:none}' : ''}</style>${svg}`,
      );
      const path = join(ROOT, `public/icon/${size}.png`);
      await page.screenshot({ path, omitBackground: true });
      await page.close();
      console.log(`wrote ${path}`);
    }
  } finally {
    await browser.close();
  }
}

void main();
