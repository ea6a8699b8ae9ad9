import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CURRENT_SETTINGS_VERSION, DEFAULT_SETTINGS, parseSettingsDocument } from '../../core/settings';

const fixturesDir = fileURLToPath(new URL('../fixtures/settings/', import.meta.url));
const fixtures = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, doc: JSON.parse(readFileSync(fixturesDir + name, 'utf8')) as Record<string, unknown> }));

describe('settings versions', () => {
  it('has a fixture for every version up to the current one', () => {
    const versions = fixtures.map(({ doc }) => doc.version).sort();
    expect(versions).toEqual(Array.from({ length: CURRENT_SETTINGS_VERSION }, (_, index) => index + 1));
  });

  it.each(fixtures)('$name migrates to the current version and validates', ({ doc }) => {
    const parsed = parseSettingsDocument(doc);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.settings.version).toBe(CURRENT_SETTINGS_VERSION);
    expect(parsed.migratedFrom).toBe(doc.version === CURRENT_SETTINGS_VERSION ? null : doc.version);
  });

  it('keeps the chosen language and everything else when moving from 1 to 2', () => {
    const v1 = fixtures.find(({ doc }) => doc.version === 1)!.doc;
    const parsed = parseSettingsDocument(v1);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.settings.ui).toEqual({ language: 'ru', callModeDefault: false });
    expect('language' in parsed.settings).toBe(false);
    expect(parsed.settings.rules).toEqual(v1.rules);
    expect(parsed.settings.hubspot).toEqual(v1.hubspot);
    expect(parsed.settings.salesforce).toEqual({ ...(v1.salesforce as object), rootCauseField: { kind: 'multiPicklist' } });
  });

  it('keeps a version-2 document writing Salesforce root causes to the multi-select picklist, as it did', () => {
    const v2 = fixtures.find(({ doc }) => doc.version === 2)!.doc;
    const parsed = parseSettingsDocument(v2);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.settings.salesforce.rootCauseField).toEqual({ kind: 'multiPicklist' });
    expect({ ...parsed.settings.salesforce, rootCauseField: undefined }).toEqual({ ...(v2.salesforce as object), rootCauseField: undefined });
    expect(parsed.settings.rules).toEqual(v2.rules);
  });

  it('reads a Case Reason mapping', () => {
    const v3 = fixtures.find(({ doc }) => doc.version === 3)!.doc;
    const parsed = parseSettingsDocument(v3);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.settings.salesforce.rootCauseField).toEqual({ kind: 'caseReason', reasons: { 'Product quality': 'Equipment Design', 'Support experience': 'Feedback' } });
  });

  it('accepts the defaults', () => {
    expect(parseSettingsDocument(DEFAULT_SETTINGS)).toEqual({ ok: true, settings: DEFAULT_SETTINGS, migratedFrom: null });
  });

  it.each([
    ['not an object', 'hello', 'not a JSON object'],
    ['no version', { ...DEFAULT_SETTINGS, version: undefined }, 'no valid "version"'],
    ['a newer version', { ...DEFAULT_SETTINGS, version: CURRENT_SETTINGS_VERSION + 1 }, 'newer than this Loyalty Lens understands'],
    ['an unknown field', { ...DEFAULT_SETTINGS, hubspotToken: 'pat-na1-secret' }, 'invalid'],
    ['a v1 document with a bad language', { ...fixtures.find(({ doc }) => doc.version === 1)!.doc, language: 'fr' }, 'ui.language'],
    [
      'two root causes mapped to one Case Reason value',
      { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, rootCauseField: { kind: 'caseReason', reasons: { Billing: 'Other', Onboarding: 'Other' } } } },
      'salesforce.rootCauseField.reasons',
    ],
    [
      'an empty Case Reason value',
      { ...DEFAULT_SETTINGS, salesforce: { ...DEFAULT_SETTINGS.salesforce, rootCauseField: { kind: 'caseReason', reasons: { Billing: '' } } } },
      'salesforce.rootCauseField.reasons.Billing',
    ],
    [
      'urgent scores outside the follow-up scores',
      { ...DEFAULT_SETTINGS, rules: { ...DEFAULT_SETTINGS.rules, followUpMaxScore: 3, urgentMaxScore: 5 } },
      'rules.urgentMaxScore',
    ],
  ])('refuses %s with the reason', (_name, doc, reason) => {
    const parsed = parseSettingsDocument(doc);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
