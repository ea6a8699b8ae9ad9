import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PERSON_POLICY_KEYS, POLICY_KEYS, POLICY_PATHS, applyPolicy, getAt, hubspotOwnerFromPolicy, isLocked, keepLocalWhereLocked, managedPolicySchema } from '../../core/policy';
import { CURRENT_SETTINGS_VERSION, DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { SETTINGS_KEY, loadSettings, loadSettingsLayers, saveSettings } from '../../core/settings-store';

const managedSchema = JSON.parse(readFileSync(new URL('../../public/managed-schema.json', import.meta.url), 'utf8')) as {
  type: string;
  properties: Record<string, { type: string; enum?: string[]; minimum?: number; maximum?: number }>;
};

const local: Settings = {
  ...DEFAULT_SETTINGS,
  rules: { ...DEFAULT_SETTINGS.rules, followUpMaxScore: 5, urgentMaxScore: 2, quietPeriodDays: 30 },
};

describe('managed policy schema', () => {
  it('declares to the browser exactly the keys Loyalty Lens reads', () => {
    expect(managedSchema.type).toBe('object');
    expect(Object.keys(managedSchema.properties).sort()).toEqual([...POLICY_KEYS, ...PERSON_POLICY_KEYS].sort());
  });

  it.each([
    [undefined, null],
    [{}, null],
    [{ hubspotOwnerId: '70007' }, '70007'],
    [{ hubspotOwnerId: 70007 }, null],
    [{ hubspotOwnerId: 'nora@example.com' }, null],
  ])('who the user is in HubSpot, from the policy %j: %s', (policy, expected) => {
    expect(hubspotOwnerFromPolicy(policy)).toBe(expected);
  });

  it.each(POLICY_KEYS)('%s has the same type and choices in the JSON schema and in the settings', (key) => {
    const declared = managedSchema.properties[key]!;
    const current = getAt(DEFAULT_SETTINGS, POLICY_PATHS[key]);
    const sample = declared.enum?.[0] ?? ((typeof current === 'string' && current === '') || current === null ? 'x' : current);
    expect(managedPolicySchema.shape[key].safeParse(sample).success).toBe(true);
    const jsonType = Array.isArray(sample) ? 'array' : Number.isInteger(sample) && declared.type === 'integer' ? 'integer' : typeof sample;
    expect(declared.type).toBe(jsonType);
    for (const choice of declared.enum ?? []) expect(managedPolicySchema.shape[key].safeParse(choice).success).toBe(true);
    if (declared.maximum !== undefined) expect(managedPolicySchema.shape[key].safeParse(declared.maximum + 1).success).toBe(false);
  });
});

describe('applyPolicy', () => {
  it('leaves the settings alone without a policy', () => {
    expect(applyPolicy(local, undefined)).toEqual({ settings: local, lockedPaths: [], notice: null });
  });

  it('sets where Salesforce root causes go, and refuses a mapping giving one Reason value to two causes', () => {
    const caseReason = { kind: 'caseReason', reasons: { Billing: 'Other', Onboarding: 'Installation' } };
    const result = applyPolicy(local, { salesforceRootCauseField: caseReason });
    expect(result.settings.salesforce.rootCauseField).toEqual(caseReason);
    expect(result.lockedPaths).toEqual(['salesforce.rootCauseField']);
    const refused = applyPolicy(local, { salesforceRootCauseField: { kind: 'caseReason', reasons: { Billing: 'Other', Onboarding: 'Other' } } });
    expect(refused.settings.salesforce.rootCauseField).toEqual({ kind: 'multiPicklist' });
    expect(refused.notice).toEqual({ kind: 'policyRefused', keys: [{ key: 'salesforceRootCauseField', refusedHost: null }] });
  });

  it('lays the administrator’s values over the user’s and locks them', () => {
    const result = applyPolicy(local, { retentionDays: 7, rootCauses: ['Billing', 'Support'], language: 'ru' });
    expect(result.settings.privacy.retentionDays).toBe(7);
    expect(result.settings.rules.rootCauses).toEqual(['Billing', 'Support']);
    expect(result.settings.ui.language).toBe('ru');
    expect(result.settings.rules.followUpMaxScore).toBe(5);
    expect(result.lockedPaths.sort()).toEqual(['privacy.retentionDays', 'rules.rootCauses', 'ui.language']);
    expect(result.notice).toBeNull();
  });

  it('applies the good values and names the bad ones', () => {
    const result = applyPolicy(local, { retentionDays: 9999, quietPeriodDays: 14, language: 'fr', unknownKey: true });
    expect(result.settings.privacy.retentionDays).toBe(local.privacy.retentionDays);
    expect(result.settings.rules.quietPeriodDays).toBe(14);
    expect(result.lockedPaths).toEqual(['rules.quietPeriodDays']);
    // Named by key, in the order of the keys; the options page shows each by its label. An unknown key is not a value.
    expect(result.notice).toEqual({
      kind: 'policyRefused',
      keys: [
        { key: 'language', refusedHost: null },
        { key: 'retentionDays', refusedHost: null },
      ],
    });
  });

  it('falls back to the defaults under the policy when the policy clashes with the user’s values', () => {
    const result = applyPolicy({ ...local, rules: { ...local.rules, followUpMaxScore: 8, urgentMaxScore: 5 } }, { followUpMaxScore: 4 });
    expect(result.settings.rules.followUpMaxScore).toBe(4);
    expect(result.settings.rules.urgentMaxScore).toBe(DEFAULT_SETTINGS.rules.urgentMaxScore);
  });

  it('ignores a policy that contradicts itself', () => {
    const result = applyPolicy(local, { followUpMaxScore: 2, urgentMaxScore: 6 });
    expect(result.settings).toEqual(local);
    expect(result.lockedPaths).toEqual([]);
    expect(result.notice).toEqual({ kind: 'policyContradicts' });
  });

  it('ignores a policy that is not an object', () => {
    expect(applyPolicy(local, 'hello').notice).toEqual({ kind: 'policyUnreadable' });
  });

  it.each([
    ['rules.rootCauses', 'rules.rootCauses', true],
    ['rules.slaHours.passive', 'rules.slaHours', true],
    ['rules.slaHours', 'rules.slaHours.passive', true],
    ['rules.slaHours.passive', 'rules.slaHours.detractor', false],
  ])('a lock on %s covers %s: %s', (locked, path, expected) => {
    expect(isLocked([locked], path)).toBe(expected);
  });

  it('saves the user’s own value where the policy decides', () => {
    const edited = { ...local, rules: { ...local.rules, quietPeriodDays: 14, rootCauses: ['Policy cause'] } };
    const saved = keepLocalWhereLocked(edited, local, ['rules.rootCauses']);
    expect(saved.rules.rootCauses).toEqual(local.rules.rootCauses);
    expect(saved.rules.quietPeriodDays).toBe(14);
  });
});

describe('loadSettings with a policy and stored settings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('gives the defaults and no notice on a fresh install', async () => {
    expect(await loadSettings()).toEqual({ settings: DEFAULT_SETTINGS, notices: [], lockedPaths: [] });
  });

  it('applies the managed policy everywhere settings are read', async () => {
    await saveSettings(local);
    await fakeBrowser.storage.managed.set({ followUpMaxScore: 4, urgentMaxScore: 1 });
    const loaded = await loadSettingsLayers();
    expect(loaded.settings.rules.followUpMaxScore).toBe(4);
    expect(loaded.local.rules.followUpMaxScore).toBe(5);
    expect(loaded.lockedPaths.sort()).toEqual(['rules.followUpMaxScore', 'rules.urgentMaxScore']);
  });

  it('falls back to the defaults with a visible notice when stored settings are broken', async () => {
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: { version: 2, ui: 'broken' } });
    const loaded = await loadSettings();
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.notices).toEqual([{ kind: 'storedUnusable', reason: expect.any(String) }]);
  });

  it('migrates stored version 1 settings and keeps them migrated', async () => {
    const v1 = JSON.parse(readFileSync(new URL('../fixtures/settings/v1.json', import.meta.url), 'utf8')) as unknown;
    await fakeBrowser.storage.local.set({ [SETTINGS_KEY]: v1 });
    const loaded = await loadSettings();
    expect(loaded.settings.ui.language).toBe('ru');
    const stored = (await fakeBrowser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as Settings;
    expect(stored.version).toBe(CURRENT_SETTINGS_VERSION);
  });
});

describe('the background’s settings when the managed policy is slow to answer', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.resetModules();
  });
  afterEach(() => vi.restoreAllMocks());

  it('serves the user’s settings at once, then applies the policy when it arrives', async () => {
    await saveSettings(local);
    let answer: (policy: Record<string, unknown>) => void = () => undefined;
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue(new Promise((resolve) => (answer = resolve)) as never);
    const { currentSettings, onSettingsChanged } = await import('../../entrypoints/background/settings');
    const changed = vi.fn();
    onSettingsChanged(changed);
    const started = Date.now();
    const first = await currentSettings();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(first.settings.rules.followUpMaxScore).toBe(5);
    answer({ followUpMaxScore: 4 });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledOnce());
    const next = await currentSettings();
    expect(next.settings.rules.followUpMaxScore).toBe(4);
    expect(next.lockedPaths).toEqual(['rules.followUpMaxScore']);
  });

  it('keeps only the first asker waiting for a slow policy, and gives its answer once it comes', async () => {
    vi.useFakeTimers();
    try {
      let answer: (policy: Record<string, unknown>) => void = () => undefined;
      vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue(new Promise((resolve) => (answer = resolve)) as never);
      const { managedPolicy } = await import('../../entrypoints/background/settings');
      let first: unknown = 'waiting';
      void managedPolicy().then((policy) => (first = policy));
      await vi.advanceTimersByTimeAsync(199);
      expect(first).toBe('waiting');
      await vi.advanceTimersByTimeAsync(1);
      expect(first).toBeUndefined();
      // Asked again while the read is still out (the list opened again): no second wait.
      let second: unknown = 'waiting';
      void managedPolicy().then((policy) => (second = policy));
      await vi.advanceTimersByTimeAsync(0);
      expect(second).toBeUndefined();
      answer({ hubspotOwnerId: '70007' });
      await vi.advanceTimersByTimeAsync(0);
      let third: unknown = 'waiting';
      void managedPolicy().then((policy) => (third = policy));
      await vi.advanceTimersByTimeAsync(0);
      expect(third).toEqual({ hubspotOwnerId: '70007' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for a policy that answers promptly, and reads it once', async () => {
    await fakeBrowser.storage.managed.set({ quietPeriodDays: 60 });
    const read = vi.spyOn(fakeBrowser.storage.managed, 'get');
    const { currentSettings } = await import('../../entrypoints/background/settings');
    expect((await currentSettings()).settings.rules.quietPeriodDays).toBe(60);
    await saveSettings(local);
    await vi.waitFor(async () => expect((await currentSettings()).settings.rules.followUpMaxScore).toBe(5));
    expect((await currentSettings()).settings.rules.quietPeriodDays).toBe(60);
    expect(read).toHaveBeenCalledOnce();
  });
});
