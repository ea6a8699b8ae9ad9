import { rowKey } from '../../core/schema';
import { CrmError, type ConnectionInfo } from '../crm';
import { ok, parseWith, SalesforceApi, type Meter, type SalesforceApiOptions } from './client';
import { identityOf, type SalesforceSession } from './oauth';
import { OAUTH_PATHS } from './paths';
import {
  orgFactsSchema,
  queryResultSchema,
  sfCorporateCurrencySchema,
  sfOrganizationCurrencySchema,
  userinfoSchema,
  type SalesforceOrgFacts,
} from './schema';
import * as soql from './soql';
import { UnconfirmedFollowUps } from '../unconfirmed-creates';

// The connection to one org: the signed-in session, the transport, and what the connector learns about the org
// once (its currencies, whether it has person accounts, the Task key field, a closed Case status).

const ORG_FACTS_TTL_MS = 12 * 3_600_000;

/** Where the org's facts are kept across service-worker restarts (the background's database). */
export interface OrgFactsCache {
  load(): Promise<unknown>;
  save(facts: SalesforceOrgFacts): Promise<void>;
}

export interface SalesforceOrgOptions extends SalesforceApiOptions {
  /** The org the background expects (stored at connect time); a session for another org is refused. */
  expectedInstance?: string;
  now?: () => number;
  factsCache?: OrgFactsCache;
}

export class SalesforceOrg {
  readonly api: SalesforceApi;
  readonly session: SalesforceSession;
  readonly now: () => number;
  private readonly expectedInstance: string | undefined;
  /** Learned once: orgs without person accounts have no IsPersonAccount field. */
  personAccountFields = true;
  /** Learned once: single-currency orgs have no CurrencyIsoCode field. */
  multiCurrency = true;
  /** Learned once: whether Contact has the latest-NPS field an admin's Flow keeps (soql.LAST_NPS_FIELD). */
  lastNpsField = true;
  /** Learned once: whether Task has the External ID field outcome writes upsert on (see outcomes.ts). */
  taskKeyField: boolean | null = null;
  /** Learned once, when settings name none: the first closed Case status. */
  closedStatus: string | null = null;
  /** Follow-up Cases whose create Salesforce did not confirm, not opened again while it may still be running. */
  readonly unconfirmedFollowUps = new UnconfirmedFollowUps('Salesforce');

  /** The fields this org is known to have, for the queries that name them. */
  get fields(): { personAccount: boolean; multiCurrency: boolean; lastNps: boolean } {
    return { personAccount: this.personAccountFields, multiCurrency: this.multiCurrency, lastNps: this.lastNpsField };
  }

  private readonly factsCache: OrgFactsCache | null;
  private factsLoad: Promise<SalesforceOrgFacts> | null = null;

  constructor(options: SalesforceOrgOptions) {
    this.api = new SalesforceApi(options);
    this.session = options.session;
    this.now = options.now ?? (() => Date.now());
    this.expectedInstance = options.expectedInstance;
    this.factsCache = options.factsCache ?? null;
  }

  /**
   * The org's currencies. Connecting (and testing the connection) reads them with its own request and the cache keeps
   * them, so a view reads nothing for them. Without a kept copy of this org (a connection made before Loyalty Lens read
   * them) they are read once, counted in the meter of the read that needed them. A failed read is kept for no one:
   * the next read asks again.
   */
  facts(meter: Meter): Promise<SalesforceOrgFacts> {
    this.factsLoad ??= this.keptFacts(meter).catch((error: unknown) => {
      this.factsLoad = null;
      throw error;
    });
    return this.factsLoad;
  }

  /** The org's currency for an amount that names none (a record of a single-currency org, an aggregate): see facts(). */
  async orgCurrency(meter: Meter): Promise<string | null> {
    return (await this.facts(meter)).currency;
  }

  /** Reads the org's facts now and keeps them (connect, test connection). */
  async refreshFacts(meter: Meter): Promise<SalesforceOrgFacts> {
    const facts = this.use(await readOrgFacts(this, meter));
    this.factsLoad = Promise.resolve(facts);
    // A cache that cannot write only means the next worker start reads them again.
    if (this.factsCache) await this.factsCache.save(facts).catch(() => undefined);
    return facts;
  }

  private async keptFacts(meter: Meter): Promise<SalesforceOrgFacts> {
    const kept = orgFactsSchema.safeParse(this.factsCache ? await this.factsCache.load().catch(() => null) : null);
    if (!kept.success || kept.data.instance !== this.instance()) return this.refreshFacts(meter);
    // An admin may turn on multiple currencies or change the corporate one: a copy older than half a day is used once
    // more while a fresh one is read.
    if (this.now() - kept.data.readAt > ORG_FACTS_TTL_MS) void this.refreshFacts({ requests: 0 }).catch(() => undefined);
    return this.use(kept.data);
  }

  private use(facts: SalesforceOrgFacts): SalesforceOrgFacts {
    this.multiCurrency = facts.multiCurrency;
    return facts;
  }

  /** The org's API host, which names it in every key. */
  instance(): string {
    return this.session.instanceHost;
  }

  /** Refuses a session for another org than the one connected, or than the page's. */
  checkInstance(pageInstance?: string): void {
    const connected = this.session.instanceHost;
    if (this.expectedInstance && this.expectedInstance !== connected) {
      throw new CrmError('wrong-instance', `The Salesforce sign-in is for org ${connected}, but Loyalty Lens was connected to ${this.expectedInstance}. Connect again.`);
    }
    if (pageInstance && pageInstance !== connected) {
      throw new CrmError('wrong-instance', `This page belongs to Salesforce org ${pageInstance}, but Loyalty Lens is connected to ${connected}.`);
    }
  }

  /** A row's cache key. */
  readonly key = (id: string): string => rowKey('salesforce', this.instance(), id);
}

/**
 * The org's currencies in one composite request: the Organization's currency, and the corporate one of a multi-currency
 * org (CurrencyType exists only there; a single-currency org answers INVALID_TYPE, which says it has one currency).
 * Aggregates of currency fields come back in the corporate currency; a record without CurrencyIsoCode is in it too.
 */
async function readOrgFacts(org: SalesforceOrg, meter: Meter): Promise<SalesforceOrgFacts> {
  const results = await org.api.composite(
    [
      { referenceId: 'organization', soql: soql.ORGANIZATION_CURRENCY_QUERY },
      { referenceId: 'corporate', soql: soql.CORPORATE_CURRENCY_QUERY },
    ],
    meter,
  );
  const corporate = results.get('corporate');
  const multiCurrency = !(corporate && !corporate.ok && corporate.error.details.crmCode === 'INVALID_TYPE');
  const corporateCode = multiCurrency
    ? (parseWith(queryResultSchema(sfCorporateCurrencySchema), ok(corporate, 'corporate currency'), 'the corporate currency').records[0]?.IsoCode ?? null)
    : null;
  const orgCode = parseWith(queryResultSchema(sfOrganizationCurrencySchema), ok(results.get('organization'), 'organization'), 'the org’s currency').records[0]?.DefaultCurrencyIsoCode ?? null;
  return { instance: org.instance(), multiCurrency, currency: corporateCode ?? orgCode, readAt: org.now() };
}

export async function testConnection(org: SalesforceOrg): Promise<ConnectionInfo> {
  org.checkInstance();
  const meter: Meter = { requests: 0 };
  // Who signed in, and the org's currencies, at once; the API usage comes with the currencies' answer (every REST
  // answer carries it in Sforce-Limit-Info, which jsforce keeps in limitInfo).
  const [body] = await Promise.all([org.api.request({ method: 'GET', url: OAUTH_PATHS.userinfo, idempotent: true }, meter), org.refreshFacts(meter)]);
  const info = parseWith(userinfoSchema, body, 'the user info');
  const usage = org.api.conn.limitInfo?.apiUsage;
  const { orgId } = identityOf(org.session.tokens);
  return {
    crm: 'salesforce',
    instance: org.instance(),
    name: `${org.instance()} (${orgId ?? info.organization_id})`,
    user: info.preferred_username ?? info.name ?? info.user_id,
    missingScopes: [],
    usage: usage ? { kind: 'usedLast24h', used: usage.used, limit: usage.limit } : null,
  };
}
