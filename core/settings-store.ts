import { browser } from 'wxt/browser';
import { DEFAULT_SETTINGS, parseSettingsDocument, type Settings } from './settings';
import { applyPolicy, type PolicyNotice } from './policy';

// Settings live in the extension's local storage under one key; the administrator's managed policy
// is laid over them on every read, so the panel, the background and the options page all see the
// same values. Reading never throws: invalid stored settings fall back to the defaults with a
// notice the options page and panel show.

export const SETTINGS_KEY = 'settings';

/** Why what applies is not simply what was saved: the saved settings were unusable (with the reason), or the policy. */
export type SettingsNotice = { kind: 'storedUnusable'; reason: string } | PolicyNotice;

export interface LoadedSettings {
  /** What applies: the user's settings with the policy's values over them. */
  settings: Settings;
  /** Shown to the user when stored settings or the policy could not be used as they were; empty otherwise. */
  notices: SettingsNotice[];
  /** Dotted settings paths the administrator set; the options page shows them locked. */
  lockedPaths: string[];
}

export interface SettingsLayers extends LoadedSettings {
  /** The user's own settings, without policy: what the options page edits and saves. */
  local: Settings;
}

/** Managed storage is absent in many setups (Firefox throws without a policies.json entry): no policy then. */
export async function readManagedPolicy(): Promise<unknown> {
  try {
    const policy: unknown = await browser.storage.managed.get(null);
    return policy && typeof policy === 'object' && Object.keys(policy).length > 0 ? policy : undefined;
  } catch {
    return undefined;
  }
}

/** `policy` is the managed policy when the caller already has it (the background keeps it across reads). */
export async function loadSettingsLayers(policy: Promise<unknown> = readManagedPolicy()): Promise<SettingsLayers> {
  const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
  let local = DEFAULT_SETTINGS;
  const notices: SettingsNotice[] = [];
  if (stored !== undefined) {
    const parsed = parseSettingsDocument(stored);
    if (parsed.ok) {
      local = parsed.settings;
      if (parsed.migratedFrom !== null) await browser.storage.local.set({ [SETTINGS_KEY]: parsed.settings });
    } else {
      notices.push({ kind: 'storedUnusable', reason: parsed.reason });
    }
  }
  const applied = applyPolicy(local, await policy);
  if (applied.notice) notices.push(applied.notice);
  return { local, settings: applied.settings, lockedPaths: applied.lockedPaths, notices };
}

export async function loadSettings(policy?: Promise<unknown>): Promise<LoadedSettings> {
  const { settings, notices, lockedPaths } = await loadSettingsLayers(policy);
  return { settings, notices, lockedPaths };
}

/** Validates and saves the user's own settings; returns the reason when refused (nothing is written then). */
export async function saveSettings(candidate: unknown): Promise<{ ok: true } | { ok: false; reason: string }> {
  const parsed = parseSettingsDocument(candidate);
  if (!parsed.ok) return parsed;
  await browser.storage.local.set({ [SETTINGS_KEY]: parsed.settings });
  return { ok: true };
}

/** Calls `listener` (with the storage area) when the user's settings or the administrator's policy change. Returns the unsubscribe. */
export function watchSettings(listener: (area: 'local' | 'managed') => void): () => void {
  const onChanged = (changes: Record<string, unknown>, area: string): void => {
    if (area === 'managed') listener('managed');
    else if (area === 'local' && SETTINGS_KEY in changes) listener('local');
  };
  browser.storage.onChanged.addListener(onChanged);
  return () => browser.storage.onChanged.removeListener(onChanged);
}
