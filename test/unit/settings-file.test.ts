import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CURRENT_SETTINGS_VERSION, DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { SETTINGS_FILE_FORMAT, exportSettingsFile, importSettingsFile, settingsFileName } from '../../core/settings-file';

const now = new Date('2026-11-22T10:00:00Z');
const v1 = JSON.parse(readFileSync(new URL('../fixtures/settings/v1.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const fileWith = (settings: unknown, format = SETTINGS_FILE_FORMAT) => JSON.stringify({ format, exportedAt: now.toISOString(), settings });

const configured: Settings = {
  ...DEFAULT_SETTINGS,
  salesforce: { ...DEFAULT_SETTINGS.salesforce, consumerKey: '3MVG9publicClientId', loginHost: 'acme.my.salesforce.com' },
  rules: { ...DEFAULT_SETTINGS.rules, rootCauses: ['Billing'], quietPeriodDays: 45 },
};

describe('settings file', () => {
  it('round-trips: what one admin exports, a colleague imports unchanged', () => {
    const text = exportSettingsFile(configured, now);
    expect(importSettingsFile(text)).toEqual({ ok: true, settings: configured, migratedFrom: null });
    expect(JSON.parse(text)).toMatchObject({ format: SETTINGS_FILE_FORMAT, settings: { version: CURRENT_SETTINGS_VERSION } });
  });

  it('names the file after the version and the day', () => {
    expect(settingsFileName(now)).toBe(`loyalty-lens-settings-v${CURRENT_SETTINGS_VERSION}-2026-11-22.json`);
  });

  it('never exports a token, even when one is smuggled into the object', () => {
    const withToken = { ...configured, hubspot: { ...configured.hubspot, token: 'pat-na1-0000-secret' } } as unknown as Settings;
    expect(() => exportSettingsFile(withToken, now)).toThrow();
    const text = exportSettingsFile(configured, now);
    expect(text).not.toMatch(/token|secret|password|pat-na1/i);
  });

  it('imports an older file, migrated', () => {
    const result = importSettingsFile(fileWith(v1));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.migratedFrom).toBe(1);
      expect(result.settings.ui.language).toBe('ru');
    }
  });

  it.each([
    ['not JSON', '{ nope', 'not valid JSON'],
    ['another tool’s file', fileWith(DEFAULT_SETTINGS, 'other-extension'), 'not a Loyalty Lens settings export'],
    ['a bare settings object', JSON.stringify(DEFAULT_SETTINGS), 'not a Loyalty Lens settings export'],
    ['a newer version', fileWith({ ...DEFAULT_SETTINGS, version: CURRENT_SETTINGS_VERSION + 1 }), 'newer than this Loyalty Lens understands'],
    ['an invalid value', fileWith({ ...DEFAULT_SETTINGS, privacy: { retentionDays: 0 } }), 'privacy.retentionDays'],
    ['a credential field', fileWith({ ...DEFAULT_SETTINGS, hubspot: { ...DEFAULT_SETTINGS.hubspot, token: 'pat-na1-x' } }), 'hubspot'],
  ])('refuses %s with the reason', (_name, text, reason) => {
    const result = importSettingsFile(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
