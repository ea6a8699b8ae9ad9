import { useId, useState } from 'react';
import { POLICY_PATHS, getAt, type PolicyKey } from '../../core/policy';
import type { Settings } from '../../core/settings';
import { exportSettingsFile, importSettingsFile, settingsFileName } from '../../core/settings-file';
import { useStrings, type OptionsStrings } from './strings';

function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

const POLICY_KEY_OF: Partial<Record<string, PolicyKey>> = Object.fromEntries((Object.entries(POLICY_PATHS) as Array<[PolicyKey, readonly string[]]>).map(([key, path]) => [path.join('.'), key]));

/** A policy value in words: yes/no, the language or roll-up method by name, lists joined; numbers and ids as they are. */
function policyValueText(s: OptionsStrings, key: PolicyKey | undefined, value: unknown): string {
  if (typeof value === 'boolean') return value ? s.yes : s.no;
  if (key === 'language') return value === 'en' ? s.languageEnglish : value === 'ru' ? s.languageRussian : s.languageAuto;
  if (key === 'rollupMethod') return value === 'window' ? s.rollupWindow : value === 'weightedByRole' ? s.rollupWeighted : s.rollupLatest;
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'number') return new Intl.NumberFormat(s.locale).format(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function TeamRolloutSection(props: {
  /** The settings in force (saved settings with policy), which the file carries. */
  effective: Settings;
  lockedPaths: readonly string[];
  dirty: boolean;
  /** Saves an imported configuration whole; resolves with the reason when refused. */
  applyImport: (settings: Settings) => Promise<{ ok: true } | { ok: false; reason: string }>;
}) {
  const s = useStrings();
  const inputId = useId();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const exportFile = () => {
    const now = new Date();
    download(exportSettingsFile(props.effective, now), settingsFileName(now));
  };
  const importFile = async (file: File) => {
    const result = importSettingsFile(await file.text());
    if (!result.ok) {
      setMessage({ text: s.importRefused(result.reason), error: true });
      return;
    }
    const saved = await props.applyImport(result.settings);
    setMessage(saved.ok ? { text: s.imported(result.migratedFrom), error: false } : { text: s.importRefused(saved.reason), error: true });
  };

  return (
    <section id="rollout" className="section" aria-labelledby="rollout-heading">
      <h2 id="rollout-heading">{s.rollout}</h2>
      <p>{s.rolloutIntro}</p>
      <div className="actions">
        <button type="button" onClick={exportFile} disabled={props.dirty} aria-describedby={props.dirty ? `${inputId}-dirty` : undefined}>
          {s.export}
        </button>
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          accept="application/json,.json"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importFile(file);
          }}
        />
        {/* The input stays focusable (visually hidden, not display:none); the label is what shows. */}
        <label className="button" htmlFor={inputId}>
          {s.import}
        </label>
      </div>
      {props.dirty ? (
        <p id={`${inputId}-dirty`} className="muted">
          {s.exportHasUnsaved}
        </p>
      ) : null}
      {message ? (
        <p role={message.error ? 'alert' : 'status'} className={message.error ? 'error-text' : undefined}>
          {message.text}
        </p>
      ) : null}

      <h3>{s.policy}</h3>
      {props.lockedPaths.length === 0 ? (
        <p className="muted">{s.policyNone}</p>
      ) : (
        <>
          <p>{s.policyIntro}</p>
          <dl className="details">
            {props.lockedPaths.map((path) => (
              <div key={path}>
                <dt>
                  <span aria-hidden="true">🔒 </span>
                  {POLICY_KEY_OF[path] ? s.policyKeys[POLICY_KEY_OF[path]] : path}
                </dt>
                <dd>{policyValueText(s, POLICY_KEY_OF[path], getAt(props.effective, path))}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
