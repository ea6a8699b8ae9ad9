import { findChromium, requireChromium } from './chromium';
import { installDebianPackages } from './debian-packages';
import { findFirefox, requireFirefox } from './firefox';

// The browsers `npm test` drives, installed up front (one apt-get for both where both are missing):
// CI runs this before `npm test`; the e2e runners would install the same on their own.

async function main(): Promise<void> {
  const missing = [...(findChromium() ? [] : ['chromium']), ...(findFirefox() ? [] : ['firefox-esr'])];
  if (missing.length > 1 && !process.env.CHROME_PATH && !process.env.FIREFOX_PATH) {
    await installDebianPackages(missing, `Installing ${missing.join(' and ')} (apt-get)…`);
  }
  console.log(`Chromium: ${await requireChromium()}`);
  console.log(`Firefox: ${await requireFirefox()}`);
}

void main();
