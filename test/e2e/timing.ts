import type { BrowserContext, Page } from 'playwright-core';
import { panelFrame } from './harness';

// Timing without polling: an init script (Playwright injects it into every frame, the panel's
// extension iframe included) records each change of the panel root's data-ll-state/data-ll-record
// with the wall-clock time it reached the DOM. The CRM page records when it arrived.

export interface PanelMark {
  record: string | null;
  state: string | null;
  /** performance.timeOrigin + performance.now() when the panel's DOM showed this. */
  at: number;
}

interface TimingWindow {
  __llMarks?: PanelMark[];
}

/** Installs the recorder in every page and frame of the context opened from now on. */
export async function recordPanelTimings(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    if (location.protocol !== 'chrome-extension:' || location.pathname !== '/panel.html') return;
    const marks: Array<{ record: string | null; state: string | null; at: number }> = [];
    (window as unknown as { __llMarks: typeof marks }).__llMarks = marks;
    let last = '';
    const check = () => {
      const root = document.querySelector('[data-ll-state]');
      if (!root) return;
      const record = root.getAttribute('data-ll-record');
      const state = root.getAttribute('data-ll-state');
      const key = `${record}\u0000${state}`;
      if (key === last) return;
      last = key;
      // Taken when the panel commits the change to its DOM. (requestAnimationFrame, to wait for the
      // paint, never fires in the panel's out-of-process iframe under headless Chromium.)
      marks.push({ record, state, at: performance.timeOrigin + performance.now() });
    };
    new MutationObserver(check).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-ll-state', 'data-ll-record'],
    });
  });
}

/** The panel's marks since the frame loaded (or since clearPanelMarks). */
export async function panelMarks(page: Page): Promise<PanelMark[]> {
  const frame = await panelFrame(page);
  return frame.evaluate(() => [...((window as unknown as TimingWindow).__llMarks ?? [])]);
}

export async function clearPanelMarks(page: Page): Promise<void> {
  const frame = await panelFrame(page);
  await frame.evaluate(() => {
    (window as unknown as TimingWindow).__llMarks?.splice(0);
  });
}

/** Waits for the first mark matching `record` (and `state`, when given) and returns its time. */
export async function waitForMark(
  page: Page,
  record: string,
  state: string | undefined,
  timeout = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      const mark = (await panelMarks(page)).find((m) => m.record === record && (state === undefined || m.state === state));
      if (mark) return mark.at;
    } catch {
      // The frame is being replaced; read again.
    }
    if (Date.now() > deadline) throw new Error(`The panel never showed ${record}${state ? ` (${state})` : ''}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** When the top document's first byte arrived (performance.timeOrigin-based wall-clock ms). */
export async function documentArrivedAt(page: Page): Promise<{ navigationStart: number; responseStart: number }> {
  return page.evaluate(() => {
    const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    return {
      navigationStart: performance.timeOrigin,
      responseStart: performance.timeOrigin + (entry?.responseStart ?? 0),
    };
  });
}
