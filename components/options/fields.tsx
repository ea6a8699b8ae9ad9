import { createContext, useContext, useId, type ReactNode } from 'react';
import { isLocked } from '../../core/policy';
import type { Settings } from '../../core/settings';
import { useStrings } from './strings';
import type { Verdict } from './verdict';

// Labelled form controls. Each takes the settings path it edits, so a value the administrator's
// policy sets is shown disabled with a note, wherever it appears.

export type Edit = (change: (draft: Settings) => void) => void;

export const LockedPathsContext = createContext<readonly string[]>([]);

export function useLocked(path: string | undefined): boolean {
  const locked = useContext(LockedPathsContext);
  return path !== undefined && isLocked(locked, path);
}

function Help(props: { id: string; help?: ReactNode; locked: boolean }) {
  const s = useStrings();
  if (!props.help && !props.locked) return null;
  return (
    <span id={props.id} className="help">
      {props.locked ? <span className="locked-note">🔒 {s.lockedNote}. </span> : null}
      {props.help}
    </span>
  );
}

interface FieldProps {
  label: string;
  help?: ReactNode;
  /** Settings path, for the policy lock. */
  path?: string;
  disabled?: boolean;
}

export function TextField(
  props: FieldProps & { value: string; onChange: (value: string) => void; type?: 'text' | 'password'; placeholder?: string; autoComplete?: string },
) {
  const id = useId();
  const locked = useLocked(props.path);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        disabled={locked || props.disabled}
        aria-describedby={props.help || locked ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <Help id={`${id}-help`} help={props.help} locked={locked} />
    </div>
  );
}

export function TextAreaField(props: FieldProps & { value: string; onChange: (value: string) => void; rows?: number }) {
  const id = useId();
  const locked = useLocked(props.path);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        rows={props.rows ?? 3}
        value={props.value}
        disabled={locked || props.disabled}
        aria-describedby={props.help || locked ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <Help id={`${id}-help`} help={props.help} locked={locked} />
    </div>
  );
}

/** A number; an empty or partial entry becomes NaN, which the settings schema refuses on save with the reason. */
export function NumberField(props: FieldProps & { value: number; onChange: (value: number) => void; min?: number; max?: number; step?: number }) {
  const id = useId();
  const locked = useLocked(props.path);
  return (
    <div className="field field-number">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={Number.isNaN(props.value) ? '' : props.value}
        disabled={locked || props.disabled}
        aria-describedby={props.help || locked ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.value === '' ? Number.NaN : Number(event.target.value))}
      />
      <Help id={`${id}-help`} help={props.help} locked={locked} />
    </div>
  );
}

export function SelectField<V extends string>(
  props: FieldProps & { value: V; onChange: (value: V) => void; options: ReadonlyArray<{ value: V; label: string }>; placeholder?: string },
) {
  const id = useId();
  const locked = useLocked(props.path);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={locked || props.disabled}
        aria-describedby={props.help || locked ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.value as V)}
      >
        {props.placeholder !== undefined ? (
          <option value="" disabled>
            {props.placeholder}
          </option>
        ) : null}
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Help id={`${id}-help`} help={props.help} locked={locked} />
    </div>
  );
}

export function CheckboxField(props: FieldProps & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  const locked = useLocked(props.path);
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={locked || props.disabled}
        aria-describedby={props.help || locked ? `${id}-help` : undefined}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      <Help id={`${id}-help`} help={props.help} locked={locked} />
    </div>
  );
}

export function VerdictBox(props: { verdict: Verdict; children?: ReactNode }) {
  const { verdict } = props;
  return (
    <div className={`verdict verdict-${verdict.tone}`} role={verdict.tone === 'ok' ? 'status' : 'alert'}>
      <strong>{verdict.title}</strong>
      {verdict.detail ? <p>{verdict.detail}</p> : null}
      {verdict.advice ? <p className="advice">{verdict.advice}</p> : null}
      {props.children}
    </div>
  );
}

/** Splits a one-per-line textarea into trimmed, non-empty entries. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
