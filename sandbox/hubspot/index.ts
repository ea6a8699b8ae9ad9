// The HubSpot half of the sandbox: a CrmSandbox that answers HubSpot's API paths and record pages.
import { z } from 'zod';
import type { CrmSandbox, SandboxRequest, SandboxResponse } from '../types';
import { HubSpotApi, type WriteCounters } from './api';
import { RateLimiter, type LimitSettings } from './limits';
import type { ObjectTypeName } from './model';
import { handlePage } from './pages';
import { seedPortals, type SeedVolume } from './seed';
import type { PortalStore, StoredRecord } from './store';
import { SURVEY_CHANNELS, SURVEY_NAMES } from '../text';

export { HUBSPOT_FIXTURES, SEED_NOW } from './seed';
export type { StoredRecord } from './store';
export type { LimitSettings } from './limits';

const limitsSchema = z.strictObject({
  perTenSeconds: z.number().int().positive().optional(),
  daily: z.number().int().nonnegative().optional(),
  searchPerSecond: z.number().int().positive().optional(),
});

const freshCounters = (): WriteCounters => ({ notes: 0, tasks: 0, tickets: 0, ticketUpdates: 0, associations: 0 });

export class HubSpotSandbox implements CrmSandbox {
  readonly name = 'hubspot' as const;
  private stores: Map<string, PortalStore> | null = null;
  private readonly limiter = new RateLimiter();
  private counters = freshCounters();
  private searchIndexLagMs = 0;
  private absentProperties = new Set<string>();
  private api = this.buildApi();

  /** `volume`: bench only, the main portal padded to that many NPS answers in the twelve months ending then. */
  constructor(private readonly volume: SeedVolume | null = null) {}

  private buildApi(): HubSpotApi {
    return new HubSpotApi(() => this.portals(), this.limiter, this.counters, () => this.searchIndexLagMs, () => this.absentProperties);
  }

  /**
   * Makes a custom property (loyalty_lens_key) absent on every object, as in an account whose admin never created
   * it: writing, reading, searching or upserting by it answers as HubSpot does for an unknown property. Until reset,
   * or until the returned function puts it back (records keep their values meanwhile).
   */
  withoutProperty(name: string): () => void {
    this.absentProperties.add(name);
    const absent = this.absentProperties;
    return () => absent.delete(name);
  }

  /** How long a write takes to show in search results, as HubSpot's index takes seconds (default 0: at once). */
  setSearchIndexLag(ms: number): void {
    this.searchIndexLagMs = ms;
  }

  /** The seeded portals, generated on first use. */
  portals(): ReadonlyMap<string, PortalStore> {
    this.stores ??= seedPortals(this.volume);
    return this.stores;
  }

  portal(portalId = '40001'): PortalStore {
    const store = this.portals().get(portalId);
    if (!store) throw new Error(`No HubSpot sandbox portal ${portalId}`);
    return store;
  }

  handle(request: SandboxRequest): SandboxResponse | null {
    const path = request.url.pathname;
    if (path === '/__sandbox/hubspot/limits' && request.method === 'POST') return this.limitsEndpoint(request.rawBody);
    if (path === '/__sandbox/hubspot/limits' && request.method === 'GET') return { status: 200, body: this.limiter.settings };
    const page = handlePage(this.portals(), request.method, path);
    if (page) return page;
    return this.api.handles(path) ? this.api.handle(request) : null;
  }

  private limitsEndpoint(rawBody: string): SandboxResponse {
    let json: unknown;
    try {
      json = JSON.parse(rawBody || '{}');
    } catch {
      return { status: 400, body: { error: 'Body must be JSON' } };
    }
    const parsed = limitsSchema.safeParse(json);
    if (!parsed.success) return { status: 400, body: { error: z.prettifyError(parsed.error) } };
    this.setLimits(parsed.data);
    return { status: 200, body: this.limiter.settings };
  }

  setLimits(limits: Partial<LimitSettings>): void {
    this.limiter.settings = { ...this.limiter.settings, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) };
  }

  /** As if the suite had paused for ten seconds: rate-limit windows start empty; data and daily counts stay. */
  clearRateWindows(): void {
    this.limiter.clearWindows();
  }

  reset(): void {
    this.stores = null;
    this.limiter.reset();
    this.counters = freshCounters();
    this.searchIndexLagMs = 0;
    this.absentProperties = new Set();
    this.api = this.buildApi();
  }

  stats(): Record<string, number> {
    return { ...this.counters, rateLimited: this.limiter.rejected };
  }

  /**
   * An NPS answer arriving now from one of HubSpot's own surveys (the API cannot create submissions), dated `at`: a
   * date before now is what a late import looks like. The contact's latest-answer properties follow it.
   */
  receiveNpsAnswer(contactId: string, score: number, at: number, portalId = '40001'): StoredRecord {
    const store = this.portal(portalId);
    const contact = store.get('contacts', contactId);
    if (!contact) throw new Error(`No contact ${contactId} in portal ${portalId}`);
    const now = new Date().toISOString();
    const record = store.insert(
      'feedback_submissions',
      {
        hs_value: String(score),
        hs_response_group: score >= 9 ? 'PROMOTER' : score >= 7 ? 'PASSIVE' : 'DETRACTOR',
        hs_sentiment: score >= 9 ? 'POSITIVE' : score >= 7 ? 'NEUTRAL' : 'NEGATIVE',
        hs_survey_type: 'NPS',
        hs_survey_id: '301',
        hs_survey_name: SURVEY_NAMES.nps,
        hs_survey_channel: SURVEY_CHANNELS[at % SURVEY_CHANNELS.length]!,
        hs_content: null,
        hs_submission_timestamp: new Date(at).toISOString(),
        hs_contact_id: contactId,
        hs_contact_email_rollup: contact.properties.email ?? null,
        hs_ticket_id: null,
      },
      now,
    );
    store.associateFresh('feedback_submissions', record.id, 'contacts', contactId);
    if (at >= Date.parse(contact.properties.hs_feedback_last_survey_date ?? '') || !contact.properties.hs_feedback_last_survey_date) {
      store.update('contacts', contact, { hs_feedback_last_nps_rating: String(score), hs_feedback_last_survey_date: new Date(at).toISOString() }, now, 'API');
    }
    return record;
  }

  /** Every record of a type in a portal, in id order. */
  records(type: ObjectTypeName, portalId = '40001'): StoredRecord[] {
    return [...this.portal(portalId).table(type).values()];
  }

  /** Records whose property equals a value, e.g. find('notes', 'loyalty_lens_key', key). */
  find(type: ObjectTypeName, property: string, value: string, portalId = '40001'): StoredRecord[] {
    return this.records(type, portalId).filter((r) => r.properties[property] === value);
  }
}

export interface HubSpotSandboxOptions {
  /** Starting request budgets (defaults: 100 per 10 s, 250,000 a day, search 5 per second). */
  limits?: Partial<LimitSettings>;
  /** Bench only: NPS answers in the twelve months ending when the portal is seeded (default: the seed as it is). */
  answersInYear?: number;
}

export function createHubSpotSandbox(options: HubSpotSandboxOptions = {}): HubSpotSandbox {
  const sandbox = new HubSpotSandbox(options.answersInYear ? { answersInYear: options.answersInYear, now: Date.now() } : null);
  if (options.limits) sandbox.setLimits(options.limits);
  return sandbox;
}
