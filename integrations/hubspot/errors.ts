import { CrmError } from '../crm';
import { parseRetryAfter } from '../rate-limit';
import { hsErrorSchema, type HsError } from './schema';

// HubSpot's error answers in the user's words: the one place a status and body become a CrmErrorKind.

/** Tokens never appear in messages, even if a server or proxy echoed one back. */
export function redact(text: string, token: string): string {
  let out = token.length >= 8 ? text.split(token).join('[token]') : text;
  out = out.replace(/\bpat-[a-z0-9]+-[A-Za-z0-9-]+/g, '[token]');
  return out;
}

function parseErrorBody(text: string): HsError {
  try {
    const parsed = hsErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The scopes a MISSING_SCOPES answer names (requiredGranularScopes, or the older requiredScopes). */
export function requiredScopes(error: HsError): string[] {
  const lists = [error.context, ...(error.errors ?? []).map((e) => e.context)];
  const out = new Set<string>();
  for (const ctx of lists) {
    for (const key of ['requiredGranularScopes', 'requiredScopes']) for (const s of ctx?.[key] ?? []) out.add(s);
  }
  return [...out];
}

/** Maps a non-2xx HubSpot answer to a CrmError whose message a HubSpot user can act on. */
export function toCrmError(status: number, text: string, headers: Record<string, string>, now: number, token: string): CrmError {
  const body = parseErrorBody(text);
  const crmCode = body.category ?? body.errorType;
  const serverSays = body.message ? ` HubSpot says: “${redact(body.message, token).slice(0, 300)}”` : '';
  if (status === 401) {
    return new CrmError(
      'auth',
      'HubSpot no longer accepts the saved access token (it was revoked, rotated or expired). Paste a new private-app or service-key token in the Loyalty Lens options.',
      { status, crmCode },
    );
  }
  if (status === 403) {
    const scopes = requiredScopes(body);
    const what = scopes.length > 0 ? `the ${scopes.join(', ')} scope${scopes.length > 1 ? 's' : ''}` : 'a permission this request needs';
    return new CrmError('scope', `The HubSpot token lacks ${what}. Ask a HubSpot admin to add it to the private app or service key.`, {
      status,
      crmCode,
    });
  }
  if (status === 404) {
    return new CrmError('not-found', 'This HubSpot record no longer exists: it was deleted or merged into another record.', { status, crmCode });
  }
  if (status === 429) {
    const usage = headers['x-hubspot-ratelimit-daily-remaining'] !== undefined ? `daily-remaining=${headers['x-hubspot-ratelimit-daily-remaining']}` : undefined;
    if (body.policyName === 'DAILY') {
      return new CrmError(
        'daily-limit',
        'This HubSpot account has used up its daily API allowance. Loyalty Lens will try again after midnight in the account’s time zone.',
        { status, crmCode: 'DAILY', ...(usage ? { usage } : {}) },
      );
    }
    const retryAfterMs =
      parseRetryAfter(headers['retry-after'], now) ??
      (headers['x-hubspot-ratelimit-interval-milliseconds'] && headers['x-hubspot-ratelimit-remaining'] === '0'
        ? Number(headers['x-hubspot-ratelimit-interval-milliseconds'])
        : undefined);
    return new CrmError('rate-limit', 'HubSpot asked Loyalty Lens to slow down for a few seconds.', {
      status,
      crmCode: body.policyName ?? crmCode,
      ...(retryAfterMs !== undefined && retryAfterMs !== null ? { retryAfterMs } : {}),
      ...(usage ? { usage } : {}),
    });
  }
  if (status >= 500) {
    return new CrmError('server', `HubSpot had a problem on its side (HTTP ${status}). Try again in a moment.`, { status, crmCode });
  }
  if (status === 400 && /propert(y|ies).*(does not exist|doesn't exist|not exist)|PROPERTY_DOESNT_EXIST/i.test(`${body.message ?? ''} ${text}`)) {
    return new CrmError('config', `HubSpot does not know a property the mapping names.${serverSays}`, { status, crmCode });
  }
  return new CrmError('validation', `HubSpot refused the request (HTTP ${status}).${serverSays}`, { status, crmCode });
}

