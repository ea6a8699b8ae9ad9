import { launchWithExtension } from './scripts/chromium';
import { startSandbox } from './sandbox/server';
import { panelFrame } from './test/e2e/harness';
const sb = await startSandbox({ httpsPort: 0, httpPort: 0 });
const ext = await launchWithExtension({ extensionDir: '.output/chrome-mv3', sandboxHttpsPort: sb.httpsPort, headless: true });
const page = await ext.context.newPage();
await page.goto('https://app.hubspot.com/contacts/40001/record/0-1/111');
const f = await panelFrame(page);
await page.waitForTimeout(1000);
console.log(await f.evaluate(async () => {
  const out: Record<string, string> = {};
  try { out.ls = String(localStorage.length); } catch (e) { out.ls = String(e); }
  try { out.idb = await new Promise((res) => { const r = indexedDB.open('probe'); r.onsuccess = () => res('ok'); r.onerror = () => res('err ' + String(r.error)); }); } catch (e) { out.idb = String(e); }
  try { out.cookie = String(document.cookie); } catch (e) { out.cookie = String(e); }
  out.ua = navigator.userAgent;
  return out;
}));
const opt = await ext.context.newPage();
await opt.goto(`chrome-extension://${ext.extensionId}/panel.html`);
console.log('top-level:', await opt.evaluate(() => { try { return String(localStorage.length); } catch (e) { return String(e); } }));
await ext.close(); await sb.close();
