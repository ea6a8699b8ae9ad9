import { browser } from 'wxt/browser';
import { db } from '../../core/db';
import { purgeCachedBefore } from '../../core/store';
import type { Settings } from '../../core/settings';

export const PURGE_ALARM = 'purge-expired-cache';
const DAY_MS = 24 * 60 * 60 * 1000;

export async function schedulePurge(): Promise<void> {
  if (!(await browser.alarms.get(PURGE_ALARM))) {
    await browser.alarms.create(PURGE_ALARM, { delayInMinutes: 1, periodInMinutes: 6 * 60 });
  }
}

/** Deletes cached survey data older than the retention setting. Outcomes are never purged here. */
export async function purgeExpired(settings: Settings): Promise<number> {
  const cutoff = Date.now() - settings.privacy.retentionDays * DAY_MS;
  // Kept Insights views name the people of their recent loops: they age out with the rest.
  await db.insights.where('fetchedAt').below(cutoff).delete();
  return purgeCachedBefore(db, cutoff);
}
