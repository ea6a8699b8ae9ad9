import { resolve } from 'node:path';
import { launchWithExtension, requireChromium, type LaunchedExtension } from './chromium';
import { startSandbox } from '../sandbox/server';
import { HUBSPOT_FIXTURES } from '../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES } from '../sandbox/salesforce/fixtures';
import {
  buildExtension,
  CHROME_BUILD_DIR,
  connectHubSpot,
  connectSalesforce,
  salesforceRecordUrl,
  expectedRecord,
  hubspotRecordUrl,
  panelFrame,
  waitForPanel,
} from '../test/e2e/harness';

// npm run demo [-- --headless --screenshot FILE] [--no-build]
// Builds, starts the sandbox CRM, launches Chromium with the built extension in a throwaway profile,
// connects the extension to the sandbox as an admin would, and opens a sample HubSpot contact.

const argv = process.argv.slice(2);
const headless = argv.includes('--headless');
const skipBuild = argv.includes('--no-build');
const screenshotIndex = argv.indexOf('--screenshot');
const screenshotFile = screenshotIndex >= 0 ? argv[screenshotIndex + 1] : undefined;
if (screenshotIndex >= 0 && !screenshotFile) {
  console.error('--screenshot needs a file name, e.g. --screenshot demo.png');
  process.exit(2);
}

async function main(): Promise<void> {
  if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
    console.error('No display found. Run `npm run demo -- --headless --screenshot demo.png` instead.');
    process.exit(2);
  }
  const executablePath = await requireChromium();

  if (!skipBuild) {
    console.log('Building the extension (wxt build)…');
    buildExtension('chrome');
  }

  const sandbox = await startSandbox({ httpsPort: 0, httpPort: 0, latencyMs: 0 });
  console.log(`Sandbox CRM on https://127.0.0.1:${sandbox.httpsPort} (admin ${sandbox.httpUrl})`);

  let launched: LaunchedExtension | null = null;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await launched?.close();
      await sandbox.close();
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    launched = await launchWithExtension({
      extensionDir: CHROME_BUILD_DIR,
      sandboxHttpsPort: sandbox.httpsPort,
      headless,
      executablePath,
    });
    console.log(`Chromium with Loyalty Lens ${launched.extensionId}`);

    await connectHubSpot(launched.context, launched.extensionId, HUBSPOT_FIXTURES.tokens.main);
    console.log('HubSpot connected (private-app token of the sandbox portal).');
    await connectSalesforce(launched.context, launched.extensionId, SALESFORCE_FIXTURES.consumerKey);
    console.log(`Salesforce connected (OAuth with PKCE; try ${salesforceRecordUrl(SALESFORCE_FIXTURES.hosts.lightning, 'Contact', SALESFORCE_FIXTURES.sampleContactId)}).`);

    const url = hubspotRecordUrl(HUBSPOT_FIXTURES.portals.main, 'contact', HUBSPOT_FIXTURES.sampleContactId);
    const page = launched.context.pages()[0] ?? (await launched.context.newPage());
    await page.goto(url);
    console.log(`Opened ${url}`);
    const shown = await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 30_000, layout: 'any' }).then(
      () => true,
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        return false;
      },
    );
    if (shown) {
      // A fresh profile starts the in-page panel as a slim tab; the demo opens it as a person would.
      const slimTab = (await panelFrame(page)).locator('button.slim-tab');
      if (await slimTab.count()) {
        await slimTab.click();
        await (await panelFrame(page)).locator('.panel:not(.slim)').waitFor({ timeout: 10_000 });
      }
      console.log('The panel shows the contact’s loyalty context.');
    }

    if (screenshotFile) {
      const path = resolve(process.cwd(), screenshotFile);
      // Let web fonts and the last render settle before the picture.
      await page.waitForTimeout(300);
      await page.screenshot({ path });
      console.log(`Screenshot saved to ${path}`);
    }
    if (!shown) await stop(1);
    if (headless) await stop(0);
    console.log('Press Ctrl-C to stop the browser and the sandbox.');
    launched.context.on('close', () => void stop(0));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

void main();
