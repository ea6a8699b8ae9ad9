import { browser } from 'wxt/browser';
import { badgeText } from '../../core/worklist';

// The toolbar icon's overdue count ("My open loops"). Chrome's MV3 `action`, Firefox's MV2 `browserAction`.

const OVERDUE_COLOR = '#b42318';

/** Shows the number of overdue loops on the toolbar icon; null (not connected, not known) shows nothing. */
export async function showOverdue(count: number | null, label: string): Promise<void> {
  const action = browser.action ?? browser.browserAction;
  if (!action) return;
  await action.setBadgeBackgroundColor({ color: OVERDUE_COLOR }).catch(() => undefined);
  await action.setBadgeText({ text: badgeText(count) }).catch(() => undefined);
  await action.setTitle({ title: label }).catch(() => undefined);
}
