import type { Settings } from '../../core/settings';
import { CrmError } from '../crm';
import * as soql from './soql';
import type { SaveResult } from './schema';

// Salesforce's error answers in the user's words: the one place an error code (or a failed fetch) becomes a
// CrmErrorKind.

export interface ErrorContext {
  /** The mappings in use, so an error can name the setting that points at a missing field or object. */
  mapping?: Pick<Settings['salesforce'], 'sources' | 'revenue'>;
  usage?: string | null;
}

/** Which setting names a field or object, so the admin knows what to fix. */
function whereMapped(name: string, mapping: ErrorContext['mapping']): string | null {
  if (!mapping) return null;
  const lower = name.toLowerCase();
  const revenue = mapping.revenue;
  if (revenue.kind === 'accountField' && revenue.field.toLowerCase() === lower) return 'the revenue field setting';
  for (const source of mapping.sources) {
    if (source.kind !== 'salesforce-custom-object') continue;
    if (source.object.toLowerCase() === lower) return `score source "${source.label}"`;
    const fields = [source.scoreField, source.dateField, source.commentField, source.contactField, source.accountField, source.surveyKindField, source.surveyNameField];
    if (fields.some((f) => f?.toLowerCase() === lower || (f && soql.relationshipOf(f).toLowerCase() === lower))) {
      return `score source "${source.label}"`;
    }
  }
  return null;
}

export function crmErrorFrom(code: string, message: string, ctx: ErrorContext = {}, status?: number): CrmError {
  const details = { crmCode: code, ...(status !== undefined ? { status } : {}) };
  switch (code) {
    case 'REQUEST_LIMIT_EXCEEDED':
      // The same code covers the short-lived concurrent-request limit, which clears within seconds.
      if (/Concurrent/i.test(message)) {
        return new CrmError('rate-limit', 'Salesforce is busy with too many long requests from your org. Loyalty Lens will try again shortly.', {
          ...details,
          retryAfterMs: 5000,
        });
      }
      return new CrmError(
        'daily-limit',
        `Your Salesforce org has used up its daily API allowance${ctx.usage ? ` (${ctx.usage.replace('api-usage=', '')} requests)` : ''}. ` +
          'Loyalty Lens pauses until Salesforce resets it; the last loaded data stays visible.',
        { ...details, ...(ctx.usage ? { usage: ctx.usage } : {}) },
      );
    case 'INVALID_SESSION_ID':
    case 'INVALID_AUTH_HEADER':
      return new CrmError('auth', 'The Salesforce sign-in expired or was revoked. An admin needs to connect Salesforce again.', details);
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
    case 'INSUFFICIENT_ACCESS':
    case 'API_DISABLED_FOR_ORG':
    case 'API_CURRENTLY_DISABLED':
    case 'FUNCTIONALITY_NOT_ENABLED':
      return new CrmError('scope', "Your Salesforce user lacks the permission for this (API access or access to these records). Ask your admin.", details);
    case 'INVALID_FIELD': {
      const column = /No such column '([^']+)'(?: on entity '([^']+)')?/i.exec(message);
      const field = column?.[1] ?? /'([A-Za-z0-9_.]+)'/.exec(message)?.[1] ?? null;
      const entity = column?.[2];
      const where = field ? whereMapped(field.split('.').pop()!, ctx.mapping) : null;
      return new CrmError(
        'config',
        field
          ? `The field "${field}"${entity ? ` on ${entity}` : ''}${where ? `, named in ${where},` : ''} does not exist in this Salesforce org (or your user cannot see it).`
          : `A mapped Salesforce field does not exist in this org: ${message}`,
        details,
      );
    }
    case 'INVALID_TYPE': {
      const object = /sObject type '([^']+)'/i.exec(message)?.[1] ?? /'([A-Za-z0-9_]+)'/.exec(message)?.[1] ?? null;
      const where = object ? whereMapped(object, ctx.mapping) : null;
      return new CrmError(
        'config',
        object
          ? `The object "${object}"${where ? ` (${where})` : ''} does not exist in this Salesforce org, or your user cannot see it.`
          : `A mapped Salesforce object does not exist in this org: ${message}`,
        details,
      );
    }
    case 'NOT_FOUND':
    case 'ENTITY_IS_DELETED':
      return new CrmError('not-found', 'This Salesforce record was deleted or merged, or you cannot see it.', details);
    case 'SERVER_UNAVAILABLE':
    case 'UNKNOWN_EXCEPTION':
    case 'REQUEST_RUNNING_TOO_LONG':
    case 'QUERY_TIMEOUT':
      return new CrmError('server', 'Salesforce had a problem answering. Loyalty Lens will try again.', details);
    default: {
      const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
      const httpStatus = status ?? (http ? Number(http[1]) : undefined);
      if (httpStatus !== undefined && httpStatus >= 500) {
        return new CrmError('server', `Salesforce had a problem answering (HTTP ${httpStatus}). Loyalty Lens will try again.`, { ...details, status: httpStatus });
      }
      if (httpStatus === 404) return new CrmError('not-found', 'This Salesforce record was deleted or merged, or you cannot see it.', details);
      // The identity endpoints (userinfo) answer an expired access token with Bad_OAuth_Token instead
      // of INVALID_SESSION_ID; it means the same, and a refresh cures it.
      if ((httpStatus === 401 || httpStatus === 403) && /Bad_OAuth_Token/i.test(`${code} ${message}`)) {
        return crmErrorFrom('INVALID_SESSION_ID', message, ctx, httpStatus);
      }
      return new CrmError('validation', `Salesforce refused the request: ${message.slice(0, 300)}`, details);
    }
  }
}

/** jsforce's HttpApiError (not exported by the slim entry's types), or a fetch failure. */
interface ThrownByJsforce {
  name?: string;
  errorCode?: string;
  message?: string;
  code?: string;
  type?: string;
}

export function toCrmError(error: unknown, ctx: ErrorContext): CrmError {
  if (error instanceof CrmError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ThrownByJsforce;
  if (e.name === 'AbortError' || e.type === 'aborted' || e.code === 'ETIMEDOUT') {
    return new CrmError('timeout', 'Salesforce did not answer in time. Loyalty Lens will try again.');
  }
  if (e.errorCode) {
    // A non-JSON error body (an HTML error page, a cut connection) arrives as ERROR_HTTP_<status>.
    return crmErrorFrom(e.errorCode, e.message ?? '', ctx);
  }
  if (e.name === 'FetchError' || e.name === 'TypeError' || e.code) {
    return new CrmError('network', 'Cannot reach Salesforce. Check the internet connection; Loyalty Lens will try again.');
  }
  return new CrmError('malformed', 'Salesforce answered in an unexpected way.');
}

/** The first error of a record the CRM refused to save. */
export function saveError(result: SaveResult | undefined): CrmError {
  const error = result?.errors[0];
  if (!error) return new CrmError('malformed', 'Salesforce did not say whether the record was saved.');
  return crmErrorFrom(error.statusCode ?? 'ERROR', error.message);
}
