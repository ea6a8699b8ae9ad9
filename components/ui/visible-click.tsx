import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../panel/i18n-context';

// No borrowed clicks. A CRM page can restyle the frame that hosts the panel (opacity 0, a decoy on top) and
// trick a person into clicking a panel button they cannot see. A button that changes the CRM therefore acts at
// once only when the browser vouches that the panel is in full view: IntersectionObserver v2 (trackVisibility),
// observed from inside the panel page on its own root element, so the page cannot answer for it. Where the browser
// says it is not in view, or cannot tell (Firefox has no isVisible), the click asks for a confirmation inside the
// panel instead. A panel in the browser's own side panel or sidebar is not in a page and needs none of this.

interface VisibilityInit extends IntersectionObserverInit {
  trackVisibility: boolean;
  delay: number;
}

type VisibilityEntry = IntersectionObserverEntry & { isVisible?: boolean };

const OPTIONS: VisibilityInit = { trackVisibility: true, delay: 100, threshold: [0, 1] };
/** The panel must have been in view this long before a click counts: a page cannot flash it in just in time. */
const STEADY_MS = 500;
/** How long after a click the browser may still report that the panel was hidden (three observer delays). */
const SETTLE_MS = 300;
/** The confirmation accepts no click this soon after it appears, so a double click on a decoy cannot press it too. */
const ARM_MS = 600;

interface Sight {
  pageHosted: boolean;
  /** Since when the browser has said the panel is in view; null when it is not, or has not said. */
  visibleSince: number | null;
}

const sight: Sight = { pageHosted: false, visibleSince: null };

function entryVisible(entries: IntersectionObserverEntry[]): boolean | null {
  const entry = entries[entries.length - 1] as VisibilityEntry | undefined;
  return entry && typeof entry.isVisible === 'boolean' ? entry.isVisible : null;
}

/**
 * Follows whether the panel is in view, for a panel framed in a CRM page (pageHosted). Returns the stop function.
 */
export function watchPanelSight(doc: Document, pageHosted: boolean): () => void {
  sight.pageHosted = pageHosted;
  sight.visibleSince = null;
  if (!pageHosted || typeof IntersectionObserver === 'undefined') return () => undefined;
  const observer = new IntersectionObserver((entries) => {
    const visible = entryVisible(entries);
    if (visible !== true) sight.visibleSince = null;
    else sight.visibleSince ??= performance.now();
  }, OPTIONS);
  observer.observe(doc.documentElement);
  return () => observer.disconnect();
}

/**
 * The browser's word on the panel over the moments after a click: in view throughout, not, or null when it cannot
 * tell. The page's renderer tells the panel's frame of a change of sight a little later, so a page that hides the
 * panel just as the click lands is still caught: a first observation may be stale, a change arrives within the window.
 */
function inViewThroughout(doc: Document, ms: number): Promise<boolean | null> {
  if (typeof IntersectionObserver === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    let verdict: boolean | null | undefined;
    const observer = new IntersectionObserver((entries) => {
      const visible = entryVisible(entries);
      verdict = visible === null || verdict === null ? null : (verdict ?? true) && visible;
    }, OPTIONS);
    observer.observe(doc.documentElement);
    setTimeout(() => {
      observer.disconnect();
      resolve(verdict ?? null);
    }, ms);
  });
}

/** Whether a click on the panel now is the person's own: always outside a page; in a page, only in steady view. */
export async function clickIsTrusted(doc: Document = document): Promise<'trusted' | 'hidden' | 'unknown'> {
  if (!sight.pageHosted) return 'trusted';
  const clickedAt = performance.now();
  const inViewSince = sight.visibleSince;
  const now = await inViewThroughout(doc, SETTLE_MS);
  if (now === null) return 'unknown';
  const steady = inViewSince !== null && clickedAt - inViewSince >= STEADY_MS && sight.visibleSince === inViewSince;
  return now && steady ? 'trusted' : 'hidden';
}

interface Pending {
  label: string;
  reason: 'hidden' | 'unknown';
  action: () => void;
  shownAt: number;
}

/**
 * For a button that changes the CRM: `act(label, action)` runs the action when the click is the person's own,
 * else shows `confirmation` (render it beside the button) asking to confirm with a second, deliberate click.
 */
export function useVisibleClick(): { act: (label: string, action: () => void) => void; confirmation: ReactNode; checking: boolean } {
  const i18n = useI18n();
  const [pending, setPending] = useState<Pending | null>(null);
  const [checking, setChecking] = useState(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const act = (label: string, action: () => void) => {
    if (checking) return;
    setChecking(true);
    void clickIsTrusted().then((verdict) => {
      if (!alive.current) return;
      setChecking(false);
      if (verdict === 'trusted') {
        setPending(null);
        action();
      } else setPending({ label, reason: verdict, action, shownAt: performance.now() });
    });
  };

  const confirmation = pending && (
    <div className="confirm-click" role="group" aria-label={i18n.t('guard.title')}>
      <p role="status">{i18n.t(pending.reason === 'hidden' ? 'guard.hidden' : 'guard.unknown')}</p>
      <div className="confirm-actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            if (performance.now() - pending.shownAt < ARM_MS) return;
            const { action } = pending;
            setPending(null);
            action();
          }}
        >
          {i18n.t('guard.confirm', { action: pending.label })}
        </button>
        <button type="button" onClick={() => setPending(null)}>
          {i18n.t('guard.cancel')}
        </button>
      </div>
    </div>
  );
  return { act, confirmation, checking };
}
