import { loadSettings, watchSettings, type LoadedSettings } from '../../core/settings-store';

// Refreshes, flushes and panels all need the settings; they change rarely, so the background reads
// them once and again only after the stored settings or the managed policy change.

let cached: Promise<LoadedSettings> | null = null;
let invalidating = false;

export function currentSettings(): Promise<LoadedSettings> {
  if (!invalidating) {
    invalidating = true;
    watchSettings(() => {
      cached = null;
    });
  }
  return (cached ??= loadSettings());
}

/** Runs `listener` after a change, with the cache already dropped whichever listener runs first. */
export function onSettingsChanged(listener: () => void): void {
  watchSettings(() => {
    cached = null;
    listener();
  });
}
