import { useEffect, useId, useMemo, useState } from 'react';
import type { Owner } from '../../core/worklist';
import { useI18n } from '../panel/i18n-context';
import type { WorklistHost } from './host';

/** HubSpot: the user picks which of the portal's owners they are, suggested from the email they type. */
export function ChooseMe(props: { host: WorklistHost; onChosen: () => void; onCancel?: () => void }) {
  const i18n = useI18n();
  const id = useId();
  const [owners, setOwners] = useState<Owner[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [query, setQuery] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let alive = true;
    void props.host.owners('hubspot').then((reply) => {
      if (!alive) return;
      if (reply.ok) setOwners(reply.value);
      else setProblem(reply.error.message);
    });
    return () => {
      alive = false;
    };
  }, [props.host]);

  const suggested = useMemo(() => {
    const typed = email.trim().toLowerCase();
    return typed.includes('@') ? (owners ?? []).filter((o) => o.email?.toLowerCase() === typed) : [];
  }, [owners, email]);
  const listed = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (owners ?? []).filter((o) => q === '' || o.name.toLowerCase().includes(q) || (o.email ?? '').toLowerCase().includes(q)).slice(0, 50);
  }, [owners, query]);

  const choose = async (owner: Owner) => {
    setSaving(true);
    const reply = await props.host.setMe({ id: owner.id, name: owner.name });
    setSaving(false);
    if (reply.ok) props.onChosen();
    else setProblem(reply.error.message);
  };

  const ownerButton = (owner: Owner) => (
    <li key={owner.id}>
      <button type="button" className="owner-choice" disabled={saving} onClick={() => void choose(owner)}>
        <span className="owner-name">{owner.name}</span>
        {owner.email && <span className="owner-email">{owner.email}</span>}
      </button>
    </li>
  );

  return (
    <section className="choose-me" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{i18n.t('worklist.chooseMe')}</h2>
      <p className="hint">{i18n.t('worklist.chooseMeHint')}</p>
      <label className="field">
        {i18n.t('worklist.email')}
        <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      {suggested.length > 0 && (
        <div role="group" aria-label={i18n.t('worklist.suggested')}>
          <p className="hint">{i18n.t('worklist.suggested')}</p>
          <ul className="owner-list">{suggested.map(ownerButton)}</ul>
        </div>
      )}
      <label className="field">
        {i18n.t('worklist.searchOwners')}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      {owners === null && !problem && <p role="status">{i18n.t('worklist.loading')}</p>}
      {owners && (
        <div role="group" aria-label={i18n.t('worklist.owners')}>
          {listed.length === 0 ? <p>{i18n.t('worklist.noOwners')}</p> : <ul className="owner-list">{listed.map(ownerButton)}</ul>}
        </div>
      )}
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      {props.onCancel && (
        <button type="button" className="toggle" onClick={props.onCancel}>
          {i18n.t('worklist.back')}
        </button>
      )}
    </section>
  );
}
