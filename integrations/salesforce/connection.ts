import { rowKey } from '../../core/schema';
import { CrmError, type ConnectionInfo } from '../crm';
import { parseWith, SalesforceApi, type Meter, type SalesforceApiOptions } from './client';
import { identityOf, type SalesforceSession } from './oauth';
import { OAUTH_PATHS } from './paths';
import { limitsSchema, userinfoSchema } from './schema';

// The connection to one org: the signed-in session, the transport, and what the connector learns about the org
// once (whether it has person accounts, the Task key field, a closed Case status).

export interface SalesforceOrgOptions extends SalesforceApiOptions {
  /** The org the background expects (stored at connect time); a session for another org is refused. */
  expectedInstance?: string;
  now?: () => number;
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

  /** The fields this org is known to have, for the queries that name them. */
  get fields(): { personAccount: boolean; multiCurrency: boolean; lastNps: boolean } {
    return { personAccount: this.personAccountFields, multiCurrency: this.multiCurrency, lastNps: this.lastNpsField };
  }

  constructor(options: SalesforceOrgOptions) {
    this.api = new SalesforceApi(options);
    this.session = options.session;
    this.now = options.now ?? (() => Date.now());
    this.expectedInstance = options.expectedInstance;
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

export async function testConnection(org: SalesforceOrg): Promise<ConnectionInfo> {
  org.checkInstance();
  const meter: Meter = { requests: 0 };
  const info = parseWith(userinfoSchema, await org.api.request({ method: 'GET', url: OAUTH_PATHS.userinfo, idempotent: true }, meter), 'the user info');
  const limits = parseWith(limitsSchema, await org.api.request({ method: 'GET', url: org.api.paths.limits, idempotent: true }, meter), 'the org limits');
  const daily = limits.DailyApiRequests;
  const { orgId } = identityOf(org.session.tokens);
  return {
    crm: 'salesforce',
    instance: org.instance(),
    name: `${org.instance()} (${orgId ?? info.organization_id})`,
    user: info.preferred_username ?? info.name ?? info.user_id,
    missingScopes: [],
    usage: { kind: 'usedLast24h', used: daily.Max - daily.Remaining, limit: daily.Max },
  };
}
