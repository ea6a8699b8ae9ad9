import { z } from 'zod';
import { outcomeInputSchema, rowKey, type ObjectType, type Outcome, type RecordRef } from '../../../core/schema';
import { DEFAULT_SETTINGS, type Settings } from '../../../core/settings';
import { CrmError, mayHaveCommitted, type CrmConnector } from '../../../integrations/crm';
import { createHubSpotConnector } from '../../../integrations/hubspot/connector';
import { loopKeySchema } from '../../../integrations/loop-notes';
import { cardFigures, type CardFigures } from '../../shared/figures';

// The Loyalty Lens app function: the card's only way to HubSpot. It reads a record's loyalty context and writes a
// close-the-loop outcome with the extension's own HubSpot connector (integrations/hubspot), so a note is written by
// the same rules: upserted on its key, and after an answer that may have come after the commit, looked up by that
// key before anything is sent again. The build bundles this file into src/app/functions/loyalty.js.

/** HubSpot's object type ids of the records the card is on. */
export const OBJECT_TYPES: Record<string, Extract<ObjectType, 'contact' | 'company' | 'deal' | 'ticket'>> = {
  '0-1': 'contact',
  '0-2': 'company',
  '0-3': 'deal',
  '0-5': 'ticket',
};

const recordSchema = z.strictObject({
  portalId: z.string().regex(/^\d{1,12}$/),
  objectTypeId: z.enum(['0-1', '0-2', '0-3', '0-5']),
  objectId: z.string().regex(/^\d{1,20}$/),
});

export const functionParametersSchema = z.discriminatedUnion('action', [
  recordSchema.extend({ action: z.literal('load') }),
  recordSchema.extend({
    action: z.literal('log-outcome'),
    outcome: outcomeInputSchema.omit({ ref: true }),
    idempotencyKey: loopKeySchema,
    /** 1 for the first send; more when the card sends the same outcome again. */
    attempt: z.number().int().min(1).max(100),
    /** The kind of error the previous send met, so a write that may have landed is looked up first. */
    lastErrorKind: z.string().max(40).nullable(),
    loggedBy: z.string().max(200).nullable(),
  }),
]);
export type FunctionParameters = z.infer<typeof functionParametersSchema>;

export type FunctionError = { kind: string; message: string; mayHaveCommitted: boolean };
export type LoadAnswer = { ok: true; figures: CardFigures; rootCauses: string[] } | { ok: false; error: FunctionError };
export type WriteAnswer = { ok: true; recordId: string | null; recordUrl: string | null } | { ok: false; error: FunctionError };

export interface LoyaltyFunctionDeps {
  connector(token: string): CrmConnector;
  settings: Settings;
  now(): number;
}

function refOf(p: z.infer<typeof recordSchema>): RecordRef {
  return { crm: 'hubspot', instance: p.portalId, objectType: OBJECT_TYPES[p.objectTypeId]!, id: p.objectId };
}

function failure(error: unknown): { ok: false; error: FunctionError } {
  if (error instanceof CrmError) return { ok: false, error: { kind: error.kind, message: error.message, mayHaveCommitted: mayHaveCommitted(error) } };
  return { ok: false, error: { kind: 'unknown', message: error instanceof Error ? error.message : String(error), mayHaveCommitted: true } };
}

/** The function's main, with what it reaches injected (the sandbox in tests, api.hubapi.com on HubSpot). */
export function createLoyaltyFunction(deps: LoyaltyFunctionDeps) {
  return async function main(context: { parameters?: unknown; secrets?: Record<string, string | undefined> }): Promise<LoadAnswer | WriteAnswer> {
    const parsed = functionParametersSchema.safeParse(context.parameters);
    if (!parsed.success) return { ok: false, error: { kind: 'validation', message: `The card sent a request Loyalty Lens cannot read: ${z.prettifyError(parsed.error)}`, mayHaveCommitted: false } };
    const token = context.secrets?.PRIVATE_APP_ACCESS_TOKEN;
    if (!token) return { ok: false, error: { kind: 'auth', message: 'The app has no access token: install the app in this portal again.', mayHaveCommitted: false } };
    const p = parsed.data;
    const ref = refOf(p);
    const connector = deps.connector(token);
    if (p.action === 'load') {
      try {
        const context = await connector.loadContext(ref, deps.settings);
        return { ok: true, figures: cardFigures(context, deps.settings.rules, deps.now()), rootCauses: deps.settings.rules.rootCauses };
      } catch (error) {
        return failure(error);
      }
    }
    const now = deps.now();
    const outcome: Outcome = {
      ...p.outcome,
      ref,
      idempotencyKey: p.idempotencyKey,
      crm: 'hubspot',
      instance: p.portalId,
      contactKey: rowKey('hubspot', p.portalId, p.outcome.contactId),
      loggedAt: now,
      loggedBy: p.loggedBy,
      state: 'in-flight',
      // The connector looks a key up before sending it again when an earlier attempt may have reached HubSpot.
      attempts: p.attempt,
      nextAttemptAt: now,
      leaseUntil: null,
      lastError: null,
      lastErrorKind: p.lastErrorKind,
      crmRecordId: null,
      crmRecordUrl: null,
    };
    try {
      const [result] = await connector.writeOutcomes([outcome], deps.settings);
      if (!result) return { ok: false, error: { kind: 'malformed', message: 'HubSpot answered without the note.', mayHaveCommitted: true } };
      if (!result.ok) return failure(result.error ?? new CrmError('server', 'HubSpot did not save the note.'));
      return { ok: true, recordId: result.crmRecordId ?? null, recordUrl: result.crmRecordUrl ?? null };
    } catch (error) {
      return failure(error);
    }
  };
}

/** What HubSpot runs: the app's own token (a secret HubSpot injects), api.hubapi.com, the extension's default rules. */
export const main = (context: { parameters?: unknown }) =>
  createLoyaltyFunction({
    connector: (token) => createHubSpotConnector({ token }),
    settings: DEFAULT_SETTINGS,
    now: () => Date.now(),
  })({ ...context, secrets: { PRIVATE_APP_ACCESS_TOKEN: process.env.PRIVATE_APP_ACCESS_TOKEN } });
