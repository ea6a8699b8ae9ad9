import type { ConnectionInfo } from '../../integrations/crm';
import type { Reply } from '../../core/messaging';
import type { OptionsStrings } from './strings';

/** What the admin reads after connecting or testing: a one-line verdict, the CRM's own words, and what to do. */
export interface Verdict {
  tone: 'ok' | 'warning' | 'error';
  title: string;
  detail: string | null;
  advice: string | null;
  /** For a missing host permission: the origin to offer. */
  origin: string | null;
}

export function errorVerdict(error: { kind: string; message: string; origin?: string }, s: OptionsStrings): Verdict {
  const kind = error.kind in s.verdict ? error.kind : 'other';
  return {
    tone: 'error',
    title: s.verdict[kind] ?? error.kind,
    detail: error.message,
    advice: s.advice[kind] ?? null,
    origin: error.kind === 'permission' && error.origin ? error.origin : null,
  };
}

export function connectionVerdict(reply: Reply<ConnectionInfo>, s: OptionsStrings): Verdict {
  if (!reply.ok) return errorVerdict(reply.error, s);
  const info = reply.value;
  if (info.missingScopes.length > 0) {
    return {
      tone: 'warning',
      title: s.verdictScopes,
      detail: s.connectedTo(info.name, info.instance),
      advice: s.verdictScopesDetail(info.missingScopes.join(', ')),
      origin: null,
    };
  }
  return { tone: 'ok', title: s.verdictOk, detail: s.connectedTo(info.name, info.instance), advice: null, origin: null };
}
