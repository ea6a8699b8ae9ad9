import { rowKey, type AccountCounts } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { HubSpotPortal } from './connection';
import { eq, search, type HsFilter } from './requests';

// Large accounts on HubSpot: the roll-up is counted by HubSpot's search (`total`), never by listing every contact.
// HubSpot can count contacts by their latest answer only; Salesforce counts the answers themselves (aggregate SOQL).

/** HubSpot's own contact properties: the latest survey's date and NPS answer. */
export const LAST_SURVEY_PROPERTY = 'hs_feedback_last_survey_date';
const LAST_NPS_PROPERTY = 'hs_feedback_last_nps_rating';

function scoresBetween(low: number, high: number): string[] {
  return Array.from({ length: high - low + 1 }, (_, i) => String(low + i));
}

/**
 * Large accounts: HubSpot counts the contacts per segment of their latest NPS answer (search `total`), so the
 * roll-up covers every contact without fetching them. Feedback submissions are linked to contacts, not companies,
 * so a response-level window count would need every contact id; the window method therefore counts contacts whose
 * latest answer falls inside the window.
 */
export async function accountCounts(hubspot: HubSpotPortal, companyId: string, settings: Settings, portal: string): Promise<AccountCounts> {
  const rollup = settings.rules.rollup;
  const sources = settings.hubspot.sources;
  const cp = sources.find((s) => s.kind === 'hubspot-contact-properties' && s.surveyKind === 'nps');
  const scoreProperty = cp && cp.kind === 'hubspot-contact-properties' ? cp.scoreProperty : LAST_NPS_PROPERTY;
  const dateProperty = cp && cp.kind === 'hubspot-contact-properties' && cp.dateProperty ? cp.dateProperty : LAST_SURVEY_PROPERTY;
  const windowed = rollup.method === 'window';
  const since = String(hubspot.now() - rollup.windowDays * 86_400_000);
  const ranges: Array<[number, number]> = [
    [9, 10],
    [7, 8],
    [0, 6],
  ];
  const [promoters, passives, detractors] = await Promise.all(
    ranges.map(async ([low, high]) => {
      const filters: HsFilter[] = [
        eq('associations.company', companyId),
        // IN, not BETWEEN: some portals store the last NPS rating as an enumeration, where BETWEEN compares text ("10" < "6").
        { propertyName: scoreProperty, operator: 'IN', values: scoresBetween(low, high) },
        ...(windowed ? [{ propertyName: dateProperty, operator: 'GTE', value: since }] : []),
      ];
      const page = await search(hubspot.apis, 'contacts', [filters], ['hs_object_id'], [], 1);
      return page.total;
    }),
  );
  return {
    accountKey: rowKey('hubspot', portal, companyId),
    method: 'latestPerContact',
    windowDays: windowed ? rollup.windowDays : null,
    promoters: promoters!,
    passives: passives!,
    detractors: detractors!,
    respondents: promoters! + passives! + detractors!,
    byQuarter: [],
    computedAt: hubspot.now(),
  };
}
