import { rowKey, type AccountCounts } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { HubSpotPortal } from './connection';
import { eq, search, type HsFilter } from './requests';

// Large accounts on HubSpot: the roll-up is counted by HubSpot's search (`total`), never by listing every contact.
// HubSpot can count contacts by their latest answer only; Salesforce counts the answers themselves (aggregate SOQL).

/** HubSpot's own contact properties: the latest survey's date and NPS answer. */
export const LAST_SURVEY_PROPERTY = 'hs_feedback_last_survey_date';
export const LAST_NPS_PROPERTY = 'hs_feedback_last_nps_rating';

function scoresBetween(low: number, high: number): string[] {
  return Array.from({ length: high - low + 1 }, (_, i) => String(low + i));
}

/**
 * Large accounts: HubSpot counts the contacts per segment of their latest NPS answer (search `total`), so the
 * roll-up covers every contact without fetching them. That is the latest-per-contact method, and n counts people.
 * HubSpot cannot count the other methods at this size — feedback submissions are linked to contacts, not companies
 * (every answer in a window would need every contact's id), and role weights would need a count per role and segment
 * against a five-a-second search limit — so for them the counts follow latest-per-contact and name the method the
 * admin chose as unavailable, which the panel says beside the number.
 */
export async function accountCounts(hubspot: HubSpotPortal, companyId: string, settings: Settings, portal: string): Promise<AccountCounts> {
  const chosen = settings.rules.rollup.method;
  const sources = settings.hubspot.sources;
  const cp = sources.find((s) => s.kind === 'hubspot-contact-properties' && s.surveyKind === 'nps');
  const scoreProperty = cp && cp.kind === 'hubspot-contact-properties' ? cp.scoreProperty : LAST_NPS_PROPERTY;
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
      ];
      const page = await search(hubspot.apis, 'contacts', [filters], ['hs_object_id'], [], 1);
      return page.total;
    }),
  );
  return {
    accountKey: rowKey('hubspot', portal, companyId),
    method: 'latestPerContact',
    unavailable: chosen === 'latestPerContact' ? null : chosen,
    counted: 'people',
    windowDays: null,
    promoters: promoters!,
    passives: passives!,
    detractors: detractors!,
    respondents: promoters! + passives! + detractors!,
    byRole: [],
    byQuarter: [],
    computedAt: hubspot.now(),
  };
}
