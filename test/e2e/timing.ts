import type { Frame, Page } from 'playwright-core';
import { panelFrame } from './harness';

// When the panel showed something, measured inside the panel's own frame. A MutationObserver is
// installed in the frame (through Playwright's frame.evaluate, which reaches the extension's
// out-of-process iframe — an init script does not run there) and stamps the moment the panel root's
// data-ll-record / data-ll-state first match: that is when React committed the change to the DOM;
// the paint follows in the next frame. (requestAnimationFrame never fires in that iframe under headless
// Chromium, so the paint itself cannot be stamped.) Times are epoch ms (performance.timeOrigin +
// performance.now()) and so comparable with the CRM page's own clock.
//
// Nothing here polls the panel's state from Node: polling would add its own interval to every sample.
// When the watch is installed too late — the panel already shows the record — the time of the
// install is returned with `late: true`, an upper bound, so a sample is never flattering.

export interface PanelShown {
  /** Epoch ms when the panel's DOM first showed the record (in the state, when one was given). */
  at: number;
  /** The panel showed it already when the watch was installed: `at` is an upper bound. */
  late: boolean;
}

interface WatchWindow {
  __llWatch?: Promise<PanelShown>;
}

/**
 * Runs in the panel frame (self-contained: Playwright sends only its source). Resolves when the root
 * shows `record` (in `state`); with `arm`, only installs the watch and leaves its promise on window.
 */
function watchInFrame(input: { record: string; state: string | null; timeout: number; arm: boolean }): Promise<PanelShown> | null {
  const stamp = () => performance.timeOrigin + performance.now();
  const matches = () => {
    const root = document.querySelector('[data-ll-state]');
    return (
      root !== null &&
      root.getAttribute('data-ll-record') === input.record &&
      (input.state === null || root.getAttribute('data-ll-state') === input.state)
    );
  };
  const watch = new Promise<PanelShown>((resolve, reject) => {
    if (matches()) {
      resolve({ at: stamp(), late: true });
      return;
    }
    const observer = new MutationObserver(() => {
      if (!matches()) return;
      const at = stamp();
      observer.disconnect();
      clearTimeout(timer);
      resolve({ at, late: false });
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ll-state', 'data-ll-record'] });
    const timer = setTimeout(() => {
      observer.disconnect();
      const root = document.querySelector('[data-ll-state]');
      reject(new Error(`The panel never showed ${input.record} ${input.state ?? ''}; it shows ${root?.getAttribute('data-ll-record')} ${root?.getAttribute('data-ll-state')}`));
    }, input.timeout);
  });
  (window as unknown as WatchWindow).__llWatch = watch;
  // A rejected watch nobody awaits yet must not surface as an unhandled rejection in the panel.
  watch.catch(() => undefined);
  return input.arm ? null : watch;
}

/**
 * The watch as an expression for frame.evaluate. tsx (esbuild, keepNames) wraps the function's inner
 * helpers in `__name(…)`, which does not exist in the frame: the expression supplies a stand-in.
 */
function watchExpression(input: Parameters<typeof watchInFrame>[0]): string {
  return `(() => { const __name = (f) => f; return (${watchInFrame.toString()})(${JSON.stringify(input)}); })()`;
}

function isDetached(error: unknown): boolean {
  return error instanceof Error && /detached|destroyed|navigat|Target closed|Execution context/i.test(error.message);
}

async function findPanelFrame(page: Page, deadline: number): Promise<Frame> {
  for (;;) {
    const frame = page.frames().find((f) => f.url().startsWith('chrome-extension://') && new URL(f.url()).pathname === '/panel.html');
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`No panel frame in ${page.url()}`);
    await new Promise((done) => setTimeout(done, 2));
  }
}

/**
 * For a page that is loading (page.goto with waitUntil 'commit'): finds the panel frame as soon as
 * it exists and returns when it first showed `record` in `state`.
 */
export async function panelShownAt(page: Page, record: string, state: string | null, timeout = 30_000): Promise<PanelShown> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await findPanelFrame(page, deadline);
    try {
      const shown = (await frame.evaluate(watchExpression({ record, state, timeout: Math.max(1, deadline - Date.now()), arm: false }))) as PanelShown | null;
      if (shown) return shown;
    } catch (error) {
      if (!isDetached(error) || Date.now() > deadline) throw error;
    }
  }
}

/**
 * For an in-page (SPA) navigation: installs the watch in the current panel frame BEFORE the caller
 * acts, and returns a function that waits for the result.
 */
export async function armPanelWatch(page: Page, record: string, state: string | null, timeout = 30_000): Promise<() => Promise<PanelShown>> {
  const frame = await panelFrame(page);
  const shown = await armWatch(frame, record, state, timeout);
  return async () => {
    try {
      return await shown();
    } catch (error) {
      // The frame was replaced by the navigation: the new one is watched from its start.
      if (!isDetached(error)) throw error;
      return panelShownAt(page, record, state, timeout);
    }
  };
}

/**
 * Installs the watch in a panel document that outlives the caller's next step (Chrome's side panel
 * across a CRM page load; a framed panel across an SPA navigation) and returns a function that waits.
 */
export async function armWatch(frame: Frame, record: string, state: string | null, timeout = 30_000): Promise<() => Promise<PanelShown>> {
  await frame.evaluate(watchExpression({ record, state, timeout, arm: true }));
  return () => frame.evaluate(() => (window as unknown as WatchWindow).__llWatch!);
}

/** When the top document's navigation started (epoch ms). */
export async function navigationStartedAt(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin);
}
