import { z } from 'zod';
import { CURRENT_SETTINGS_VERSION, parseSettingsDocument, settingsSchema, type Settings } from './settings';

// A team rolls its setup out as a file: the admin exports it, colleagues import it. The file holds
// settings only — tokens live in the background's database and are never part of Settings — and it
// is applied whole or not at all. Any field the strict schema does not know (a token, say) makes
// the import fail rather than be carried along.

export const SETTINGS_FILE_FORMAT = 'loyalty-lens-settings';

const settingsFileSchema = z.object({
  format: z.literal(SETTINGS_FILE_FORMAT),
  exportedAt: z.string().max(40),
  settings: z.unknown(),
});

/** The file's text: the settings as validated by the strict schema, which has no place for a credential. */
export function exportSettingsFile(settings: Settings, now: Date): string {
  const clean = settingsSchema.parse(settings);
  return `${JSON.stringify({ format: SETTINGS_FILE_FORMAT, exportedAt: now.toISOString(), settings: clean }, null, 2)}\n`;
}

export function settingsFileName(now: Date): string {
  return `loyalty-lens-settings-v${CURRENT_SETTINGS_VERSION}-${now.toISOString().slice(0, 10)}.json`;
}

export type ImportResult =
  | { ok: true; settings: Settings; migratedFrom: number | null }
  | { ok: false; reason: string };

/** Reads an exported file; the settings come back migrated and validated, or the reason it was refused. */
export function importSettingsFile(text: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The file is not valid JSON.' };
  }
  const file = settingsFileSchema.safeParse(json);
  if (!file.success) {
    return { ok: false, reason: 'The file is not a Loyalty Lens settings export (its "format" is missing or different).' };
  }
  return parseSettingsDocument(file.data.settings);
}
