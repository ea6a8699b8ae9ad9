import { useCallback, useEffect, useMemo, useState } from 'react';
import { createI18n, resolveLocale } from '../../core/i18n';
import { keepLocalWhereLocked } from '../../core/policy';
import type { Settings } from '../../core/settings';
import { loadSettingsLayers, saveSettings, watchSettings, type SettingsLayers, type SettingsNotice } from '../../core/settings-store';
import { ConnectionsSection } from './Connections';
import { LockedPathsContext, type Edit } from './fields';
import { LoopFieldsSection } from './LoopFields';
import { LoopRulesSection } from './LoopRules';
import { PrivacySection } from './Privacy';
import { useQueuedOutcomes } from './queued';
import { ScoreMappingSection } from './ScoreMapping';
import { SiteAccessSection } from './SiteAccess';
import { OPTIONS_STRINGS, StringsProvider, type OptionsStrings } from './strings';
import { TeamRolloutSection } from './TeamRollout';

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'refused'; reason: string };

/**
 * The admin's page. It edits a draft of the user's own settings; values the administrator's policy
 * sets are shown (and exported) as they apply, but saving keeps the user's own value underneath.
 */
/** Why what applies is not what was saved, in the page's language; a refused policy value by its label. */
function noticeText(s: OptionsStrings, notice: SettingsNotice): string {
  if (notice.kind === 'storedUnusable') return s.noticeStoredUnusable(notice.reason);
  if (notice.kind === 'policyUnreadable') return s.noticePolicyUnreadable;
  if (notice.kind === 'policyContradicts') return s.noticePolicyContradicts;
  return s.noticePolicyRefused(notice.keys.map(({ key, refusedHost }) => (refusedHost === null ? s.policyKeys[key] : s.refusedHost(s.policyKeys[key], refusedHost))).join(', '));
}

export function OptionsApp(props: { browserLanguages: readonly string[]; salesforceCallbackUrl: string }) {
  const [layers, setLayers] = useState<SettingsLayers | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const queued = useQueuedOutcomes();

  const reload = useCallback(async (replaceDraft: boolean) => {
    const next = await loadSettingsLayers();
    setLayers(next);
    // The draft shows the values in force, so locked fields display the administrator's value.
    if (replaceDraft) setDraft(next.settings);
  }, []);

  useEffect(() => {
    let live = true;
    void loadSettingsLayers().then((next) => {
      if (!live) return;
      setLayers(next);
      setDraft(next.settings);
    });
    const stopWatching = watchSettings(() => void reload(false));
    return () => {
      live = false;
      stopWatching();
    };
  }, [reload]);

  const edit: Edit = useCallback((change) => {
    setDraft((current) => {
      if (!current) return current;
      const next = structuredClone(current);
      change(next);
      return next;
    });
    setSave({ kind: 'idle' });
  }, []);

  const locale = resolveLocale(draft?.ui.language ?? layers?.settings.ui.language ?? 'auto', props.browserLanguages);
  const s = OPTIONS_STRINGS[locale];
  const i18n = useMemo(() => createI18n(locale), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = s.pageTitle;
  }, [locale, s.pageTitle]);

  if (!layers || !draft) {
    return (
      <main className="options">
        <p role="status">{s.loading}</p>
      </main>
    );
  }

  const dirty = JSON.stringify(draft) !== JSON.stringify(layers.settings);
  /** Saves whole; `keepDraft` leaves other unsaved edits in place (used when only part of the draft is saved). */
  const saveDraft = async (candidate: Settings, keepDraft = false): Promise<{ ok: true } | { ok: false; reason: string }> => {
    const result = await saveSettings(keepLocalWhereLocked(candidate, layers.local, layers.lockedPaths));
    if (result.ok) await reload(!keepDraft);
    return result;
  };
  const onSave = async () => {
    setSave({ kind: 'saving' });
    const result = await saveDraft(draft);
    setSave(result.ok ? { kind: 'saved' } : { kind: 'refused', reason: result.reason });
  };
  /** Salesforce sign-in reads the login host and key from saved settings: save just those two first. */
  const saveLogin = () =>
    saveDraft(
      { ...layers.local, salesforce: { ...layers.local.salesforce, loginHost: draft.salesforce.loginHost, consumerKey: draft.salesforce.consumerKey } },
      true,
    );

  const sections: Array<[string, string]> = [
    ['connections', s.connections],
    ['site-access', s.siteAccess],
    ['mapping', s.mapping],
    ['rules', s.rules],
    ['loop-fields', s.loopFields],
    ['privacy', s.privacy],
    ['rollout', s.rollout],
  ];

  return (
    <StringsProvider value={s}>
      <LockedPathsContext.Provider value={layers.lockedPaths}>
        <header className="page-head">
          <h1>{s.pageTitle}</h1>
          <p>{s.pageIntro}</p>
          <nav aria-label={s.nav}>
            <ul>
              {sections.map(([id, title]) => (
                <li key={id}>
                  <a href={`#${id}`}>{title}</a>
                </li>
              ))}
              <li>
                <a href="insights.html" target="_blank" rel="noreferrer" title={i18n.t('insights.openHint')}>
                  {i18n.t('insights.open')}
                </a>
              </li>
            </ul>
          </nav>
        </header>
        {layers.notices.length > 0 ? (
          <div className="notice" role="alert">
            {layers.notices.map((notice) => noticeText(s, notice)).join(' ')}
          </div>
        ) : null}
        <main className="options">
          <ConnectionsSection draft={draft} edit={edit} queued={queued} saveLogin={saveLogin} dateTime={i18n.dateTime} salesforceCallbackUrl={props.salesforceCallbackUrl} />
          <SiteAccessSection />
          <ScoreMappingSection draft={draft} edit={edit} date={i18n.date} />
          <LoopRulesSection draft={draft} edit={edit} />
          <LoopFieldsSection draft={draft} edit={edit} />
          <PrivacySection draft={draft} edit={edit} queued={queued.total} />
          <TeamRolloutSection effective={layers.settings} lockedPaths={layers.lockedPaths} dirty={dirty} applyImport={(settings) => saveDraft(settings)} />
        </main>
        <footer className="save-bar" aria-label={s.save}>
          {save.kind === 'refused' ? (
            <p role="alert" className="error-text">
              {s.notSaved(save.reason)}
            </p>
          ) : save.kind === 'saved' && !dirty ? (
            <p role="status">{s.saved}</p>
          ) : dirty ? (
            <p>{s.unsaved}</p>
          ) : null}
          <div className="actions">
            <button type="button" onClick={() => (setDraft(layers.settings), setSave({ kind: 'idle' }))} disabled={!dirty || save.kind === 'saving'}>
              {s.discard}
            </button>
            <button type="button" className="primary" onClick={() => void onSave()} disabled={!dirty || save.kind === 'saving'}>
              {save.kind === 'saving' ? s.saving : s.save}
            </button>
          </div>
        </footer>
      </LockedPathsContext.Provider>
    </StringsProvider>
  );
}
