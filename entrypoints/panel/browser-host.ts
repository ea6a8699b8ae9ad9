import { browser } from 'wxt/browser';
import { PANEL_PORT, sendRequest } from '../../core/messaging';
import { DEFAULT_SETTINGS, parseSettingsDocument, type Settings } from '../../core/settings';
import { SETTINGS_KEY } from '../../core/settings-store';
import type { PanelHost } from '../../components/panel/host';

/** The stored settings; the defaults when there are none or they cannot be read (the options page reports why). */
async function loadSettings(): Promise<Settings> {
  try {
    const stored = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY];
    if (stored === undefined) return DEFAULT_SETTINGS;
    const parsed = parseSettingsDocument(stored);
    return parsed.ok ? parsed.settings : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** The panel's view of the extension: a port for pushes, requests to the background, storage. */
export function browserHost(): PanelHost {
  return {
    connect: () => browser.runtime.connect({ name: PANEL_PORT }),
    refresh: (ref) => sendRequest({ type: 'record.refresh', ref }),
    requestPermission: (origin) => browser.permissions.request({ origins: [origin] }),
    optionsUrl: browser.runtime.getURL('/options.html'),
    loadSettings,
    onSettingsChanged(listener) {
      const onChanged = (changes: Record<string, unknown>, area: string) => {
        if (area === 'local' && SETTINGS_KEY in changes) listener();
      };
      browser.storage.onChanged.addListener(onChanged);
      return () => browser.storage.onChanged.removeListener(onChanged);
    },
    browserLanguages: navigator.languages.length > 0 ? navigator.languages : [navigator.language],
    storage: localStorage,
    now: () => Date.now(),
  };
}
