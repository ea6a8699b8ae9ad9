import { useState } from 'react';
import type { Crm } from '../../core/schema';
import { useI18n } from './i18n-context';
import { errorLabel } from './labels';
import type { PanelError, PanelStateName } from './state';

/** Errors only a change in the settings mends (a key, a scope, the portal or a mapping): they offer the settings too. */
const SETTINGS_ERRORS = new Set(['auth', 'scope', 'wrong-instance', 'config', 'not-connected']);

/** The origin of the CRM page, for asking the host permission of a custom domain. */
function originOf(pageUrl: string | null): string | null {
  if (!pageUrl) return null;
  try {
    const url = new URL(pageUrl);
    return url.protocol === 'https:' ? `${url.origin}/*` : null;
  } catch {
    return null;
  }
}

/** Every non-data state in words: what happened, and the one thing to do about it. */
export function StateMessage(props: {
  kind: PanelStateName;
  error?: PanelError;
  crm?: Crm | null;
  pageUrl?: string | null;
  cachedAt?: number | null;
  now?: number;
  optionsUrl?: string;
  onRetry?: () => void;
  requestPermission?: (origin: string) => Promise<boolean>;
}) {
  const i18n = useI18n();
  const [denied, setDenied] = useState(false);
  const crm = props.crm ? i18n.t(props.crm === 'hubspot' ? 'crm.hubspot' : 'crm.salesforce') : i18n.t('crm.generic');
  const retry = props.onRetry && (
    <button type="button" className="button" onClick={props.onRetry}>
      {i18n.t('action.retry')}
    </button>
  );
  const age = props.cachedAt != null && props.now != null ? i18n.relative(props.cachedAt, props.now) : null;

  switch (props.kind) {
    case 'no-record':
      return (
        <div className="state-message" role="status">
          <p className="state-title">{i18n.t('state.noRecord')}</p>
        </div>
      );
    case 'not-configured':
      return (
        <div className="state-message" role="status">
          <p className="state-title">{i18n.t('state.notConfigured', { crm })}</p>
          <a className="button" href={props.optionsUrl} target="_blank" rel="noopener">
            {i18n.t('state.openSettings')}
          </a>
        </div>
      );
    case 'permission': {
      const origin = props.error?.origin ?? originOf(props.pageUrl ?? null);
      return (
        <div className="state-message" role="status">
          <p className="state-title">{i18n.t('state.permission', { site: origin ? origin.replace(/\/\*$/, '') : crm })}</p>
          {origin && props.requestPermission && (
            <button
              type="button"
              className="button"
              onClick={() => void props.requestPermission?.(origin).then((granted) => setDenied(!granted))}
            >
              {i18n.t('state.grantPermission')}
            </button>
          )}
          {denied && <p role="alert">{i18n.t('state.permissionDenied')}</p>}
        </div>
      );
    }
    case 'offline':
      return (
        <div className="state-message state-warning" role="status">
          <p className="state-title">{i18n.t('state.offline', { crm })}</p>
          <p>{age ? i18n.t('state.offlineCached', { age }) : i18n.t('state.offlineNoCache')}</p>
          {retry}
        </div>
      );
    case 'error': {
      const kind = props.error?.kind ?? '';
      return (
        <div className="state-message state-error" role="alert">
          <p className="state-title">{i18n.t('state.error')}</p>
          <p>{errorLabel(i18n, kind, crm)}</p>
          {/* Which portal or org each side is: the background names both, so the user knows what to switch. */}
          {kind === 'wrong-instance' && props.error?.message && <p dir="auto">{props.error.message}</p>}
          {age && <p>{i18n.t('state.cachedFrom', { age })}</p>}
          {retry}
          {SETTINGS_ERRORS.has(kind) && props.optionsUrl && (
            <a className="button" href={props.optionsUrl} target="_blank" rel="noopener">
              {i18n.t('state.openSettingsToFix')}
            </a>
          )}
        </div>
      );
    }
    default:
      return null;
  }
}
