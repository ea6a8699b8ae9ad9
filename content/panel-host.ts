import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { PageAdapter } from '../integrations/crm';
import { PLACEMENT_WAIT_MS, SIDE_PANEL_WINDOWS_KEY } from '../core/placement';

// Hosts the panel iframe at the right edge of a CRM page. Holds no data and no tokens and sends no
// requests: the iframe is an extension page, and the background learns the record from the tabs API.
// Until the person opens it, the frame is a slim tab at the edge (the panel page draws the tab, with the
// record's segment and open follow-ups), so the CRM's own controls stay usable; opened, it lies over the
// page. The choice is remembered (storage.local, which the panel's tab also writes to open it).

const COLLAPSED_KEY = 'ui.panelCollapsed';
const WIDTH_KEY = 'ui.panelWidth';
/** The panel itself gets at least 320 px; the frame adds the 6 px resize grip. */
const MIN_WIDTH = 326;
/** The slim tab's own column: the page's flow gives up this much on the right, so the tab covers none of it. */
const TAB_COLUMN = `html{margin-right:40px!important}`;
const DEFAULT_WIDTH = 380;

const STYLE = `
:host{all:initial}
.frame{position:fixed;top:0;right:0;height:100vh;z-index:2147483000;display:flex;box-shadow:-2px 0 12px rgb(0 0 0/.18);background:Canvas}
.frame[hidden]{display:none}
.frame.slim{top:calc(50% - 125px);height:250px;width:40px!important;border-radius:8px 0 0 8px;overflow:hidden}

.frame.slim .grip,.frame.slim .close{display:none}
iframe{border:0;height:100%;width:100%;color-scheme:normal}
.grip{width:6px;cursor:ew-resize;background:transparent;flex:none}
.grip:hover,.grip:focus-visible{background:#2563eb55;outline:none}
.close{position:absolute;top:6px;left:-30px;width:26px;height:26px;border-radius:13px 0 0 13px;border:1px solid #1e3a8a;border-right:0;background:#1d4ed8;color:#fff;cursor:pointer;font:700 14px system-ui,sans-serif}
.close:focus-visible{outline:3px solid #f59e0b}
`;

export function hostPanel(ctx: ContentScriptContext, parseUrl: PageAdapter): void {
  let root: HTMLElement | null = null;
  let frame: HTMLElement | null = null;
  let column: HTMLStyleElement | null = null;
  let collapsed = true;
  /** Until the remembered layout is read, the frame loads but stays out of sight (no flash of the wrong state). */
  let layoutKnown = false;
  let width = DEFAULT_WIDTH;
  /**
   * 'page' shows the in-page panel; 'side' leaves the record to the window's open side panel. While a
   * side panel is open in some window, a page is 'waiting' for the background to say whether it is
   * this one; without a word in time it loads its panel 'hidden', whose connection brings the answer.
   */
  let placement: 'page' | 'side' | 'waiting' | 'hidden' = 'page';
  let placementTold = false;

  const render = (isRecord: boolean) => {
    if (!isRecord || placement === 'side' || placement === 'waiting') {
      root?.remove();
      root = null;
      column?.remove();
      column = null;
      return;
    }
    if (!root) mount();
    const shown = layoutKnown && placement === 'page';
    frame!.hidden = !shown;
    frame!.classList.toggle('slim', collapsed);
    if (shown && collapsed) {
      column ??= document.createElement('style');
      column.textContent = TAB_COLUMN;
      if (!column.isConnected) document.documentElement.append(column);
    } else {
      column?.remove();
      column = null;
    }
    frame!.style.width = `${width}px`;
  };

  const mount = () => {
    root = document.createElement('loyalty-lens-panel');
    const shadow = root.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    frame = document.createElement('div');
    frame.className = 'frame';
    const grip = document.createElement('div');
    grip.className = 'grip';
    grip.tabIndex = 0;
    grip.setAttribute('role', 'separator');
    grip.setAttribute('aria-orientation', 'vertical');
    grip.setAttribute('aria-label', 'Resize the Loyalty Lens panel (arrow keys)');
    const iframe = document.createElement('iframe');
    iframe.src = browser.runtime.getURL('/panel.html');
    iframe.title = 'Loyalty Lens';
    iframe.setAttribute('allow', '');
    const close = document.createElement('button');
    close.className = 'close';
    close.textContent = '›';
    close.title = 'Collapse Loyalty Lens';
    close.setAttribute('aria-label', 'Collapse Loyalty Lens');
    close.addEventListener('click', () => setCollapsed(true));
    frame.append(close, grip, iframe);
    shadow.append(style, frame);
    enableResize(grip, iframe);
    document.documentElement.append(root);
  };

  const enableResize = (grip: HTMLElement, iframe: HTMLIFrameElement) => {
    const apply = (next: number) => {
      width = Math.round(Math.min(Math.max(next, MIN_WIDTH), Math.max(MIN_WIDTH, window.innerWidth - 80)));
      frame!.style.width = `${width}px`;
    };
    grip.addEventListener('pointerdown', (down) => {
      grip.setPointerCapture(down.pointerId);
      iframe.style.pointerEvents = 'none';
      const move = (event: PointerEvent) => apply(window.innerWidth - event.clientX);
      const up = () => {
        iframe.style.pointerEvents = '';
        grip.removeEventListener('pointermove', move);
        void browser.storage.local.set({ [WIDTH_KEY]: width });
      };
      grip.addEventListener('pointermove', move);
      grip.addEventListener('pointerup', up, { once: true });
    });
    grip.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      apply(width + (event.key === 'ArrowLeft' ? 20 : -20));
      void browser.storage.local.set({ [WIDTH_KEY]: width });
    });
  };

  const setCollapsed = (next: boolean) => {
    collapsed = next;
    void browser.storage.local.set({ [COLLAPSED_KEY]: next });
    render(root !== null);
    frame?.querySelector('iframe')?.focus();
  };

  // WXT reports the destination before the browser commits it, so read the event's URL, not location.
  const onLocation = (url: string) => render(parseUrl(url) !== null);

  // Only the extension itself can reach this listener; zod stays out of the content script to keep it tiny.
  browser.runtime.onMessage.addListener((message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { type, inPage } = message as { type?: unknown; inPage?: unknown };
    if (type === 'panel.toggle' && root) setCollapsed(!collapsed);
    if (type === 'panel.placement' && typeof inPage === 'boolean') {
      placementTold = true;
      placement = inPage ? 'page' : 'side';
      onLocation(location.href);
    }
  });
  ctx.addEventListener(window, 'wxt:locationchange', (event) => onLocation(event.newUrl.href));
  // The panel's slim tab opens the panel by saving the choice; other tabs follow it too.
  browser.storage.onChanged.addListener((changes, area) => {
    const change = area === 'local' ? changes[COLLAPSED_KEY] : undefined;
    if (!change || typeof change.newValue !== 'boolean' || change.newValue === collapsed) return;
    collapsed = change.newValue;
    onLocation(location.href);
  });

  // Start loading the panel at once, in parallel with reading how the user left it.
  onLocation(location.href);
  void browser.storage.local.get([COLLAPSED_KEY, WIDTH_KEY, SIDE_PANEL_WINDOWS_KEY]).then((stored) => {
    collapsed = stored[COLLAPSED_KEY] !== false;
    const storedWidth = stored[WIDTH_KEY];
    if (typeof storedWidth === 'number' && Number.isFinite(storedWidth)) width = Math.max(MIN_WIDTH, storedWidth);
    layoutKnown = true;
    const sidePanelOpen = Array.isArray(stored[SIDE_PANEL_WINDOWS_KEY]) && stored[SIDE_PANEL_WINDOWS_KEY].length > 0;
    if (sidePanelOpen && !placementTold) {
      placement = 'waiting';
      ctx.setTimeout(() => {
        if (placement !== 'waiting') return;
        placement = 'hidden';
        onLocation(location.href);
      }, PLACEMENT_WAIT_MS);
    }
    onLocation(location.href);
  });
}
