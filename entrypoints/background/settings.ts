import { loadSettings, readManagedPolicy, watchSettings, type LoadedSettings } from '../../core/settings-store';

// Refreshes, flushes and panels all need the settings; they change rarely, so the background reads
// them once and again only after the stored settings or the managed policy change.
//
// Chrome's first managed-storage read after the browser starts can take seconds (2.5 s measured here with no
// policy installed), so no view waits for it longer than POLICY_WAIT_MS: until it answers, the user's own
// settings apply, and a policy that then turns up is applied at once, as any settings change is.

const POLICY_WAIT_MS = 200;

let cached: Promise<LoadedSettings> | null = null;
let policy: Promise<unknown> | null = null;
/** The slow policy read whose late answer is already awaited; until it answers, nobody waits for it again. */
let lateWatched: Promise<unknown> | null = null;
let lateAnswered = false;
const listeners = new Set<() => void>();
let watching = false;

function changed(policyChanged: boolean): void {
  cached = null;
  if (policyChanged) policy = null;
  for (const listener of listeners) listener();
}

function watch(): void {
  if (watching) return;
  watching = true;
  // A change of the stored settings keeps the policy read; a policy change drops both.
  watchSettings((area) => changed(area === 'managed'));
}

/**
 * The managed policy as far as it is known within POLICY_WAIT_MS: undefined while Chrome's first read is still slow
 * (a policy that turns up later counts as a settings change). Only the first caller waits for a slow read: the list
 * asks on every opening, and each would otherwise wait the whole time again while the read stays unanswered.
 */
export async function managedPolicy(): Promise<unknown> {
  watch();
  const pending = (policy ??= readManagedPolicy());
  if (lateWatched === pending && !lateAnswered) return undefined;
  const late = Symbol('late');
  const first = await Promise.race([pending, new Promise<typeof late>((resolve) => setTimeout(() => resolve(late), POLICY_WAIT_MS))]);
  if (first !== late) return first;
  if (lateWatched !== pending) {
    lateWatched = pending;
    lateAnswered = false;
    void pending.then((found) => {
      if (lateWatched === pending) lateAnswered = true;
      if (found !== undefined && policy === pending) changed(false);
    });
  }
  return undefined;
}

async function load(): Promise<LoadedSettings> {
  return loadSettings(Promise.resolve(await managedPolicy()));
}

export function currentSettings(): Promise<LoadedSettings> {
  watch();
  return (cached ??= load());
}

/** Runs `listener` after a change, with the cache already dropped. */
export function onSettingsChanged(listener: () => void): void {
  watch();
  listeners.add(listener);
}
