import { rowKey, type AccountCounts } from '../../core/schema';
import type { Settings } from '../../core/settings';
import type { HubSpotPortal } from './connection';
import { eq, search, type HsFilter } from './requests';
import type { HsSearchPage } from './schema';
import { CRM_CONTACT_PAGE, SEGMENT_RANGES } from '../../core/account-contacts';

// Large accounts on HubSpot: the roll-up is counted by HubSpot's search (`total`), never by listing every contact.
// HubSpot can count contacts by their latest answer only; Salesforce counts the answers themselves (aggregate SOQL).

/** HubSpot's own contact properties: the latest survey's date and NPS answer. */
export const LAST_SURVEY_PROPERTY = 'hs_feedback_last_survey_date';
export const LAST_NPS_PROPERTY = 'hs_feedback_last_nps_rating';

export function scoresBetween(low: number, high: number): string[] {
  return Array.from({ length: high - low + 1 }, (_, i) => String(low + i));
}

/**
 * Where HubSpot keeps each contact's latest NPS answer: the configured contact-property source's score and date
 * properties, else HubSpot's own "Last NPS rating" and last survey date.
 */
export function latestAnswerProperties(settings: Settings): { score: string; date: string } {
  const cp = settings.hubspot.sources.find((s) => s.kind === 'hubspot-contact-properties' && s.surveyKind === 'nps');
  return cp && cp.kind === 'hubspot-contact-properties'
    ? { score: cp.scoreProperty, date: cp.dateProperty ?? LAST_SURVEY_PROPERTY }
    : { score: LAST_NPS_PROPERTY, date: LAST_SURVEY_PROPERTY };
}

/** The contact properties a listed contact shows. */
export function listedContactProperties(settings: Settings): string[] {
  const { score, date } = latestAnswerProperties(settings);
  return [...new Set(['firstname', 'lastname', 'email', 'jobtitle', 'hubspot_owner_id', 'hs_buying_role', score, date])];
}

/** A segment's contacts of the company: its score range (IN, see below), or no answer at all. */
export function segmentFilters(companyId: string, scoreProperty: string, range: readonly [number, number] | null): HsFilter[] {
  return [
    eq('associations.company', companyId),
    // IN, not BETWEEN: some portals store the last NPS rating as an enumeration, where BETWEEN compares text ("10" < "6").
    range ? { propertyName: scoreProperty, operator: 'IN', values: scoresBetween(range[0], range[1]) } : { propertyName: scoreProperty, operator: 'NOT_HAS_PROPERTY' },
  ];
}

/**
 * Large accounts: HubSpot counts the contacts per segment of their latest NPS answer (search `total`), so the
 * roll-up covers every contact without fetching them. That is the latest-per-contact method, and n counts people.
 * HubSpot cannot count the other methods at this size — feedback submissions are linked to contacts, not companies
 * (every answer in a window would need every contact's id), and role weights would need a count per role and segment
 * against a five-a-second search limit — so for them the counts follow latest-per-contact and name the method the
 * admin chose as unavailable, which the panel says beside the number.
 *
 * Each count's search also brings the segment's first page of contacts, lowest score first: the contact list's first
 * pages (account-contacts.ts) without a request of their own.
 */
export async function accountCounts(
  hubspot: HubSpotPortal,
  companyId: string,
  settings: Settings,
  portal: string,
): Promise<{ counts: AccountCounts; firstPages: Map<number, HsSearchPage> }> {
  const chosen = settings.rules.rollup.method;
  const { score } = latestAnswerProperties(settings);
  const properties = listedContactProperties(settings);
  const firstPages = new Map<number, HsSearchPage>();
  await Promise.all(
    SEGMENT_RANGES.map(async ({ range }, index) => {
      if (!range) return;
      firstPages.set(index, await search(hubspot.apis, 'contacts', [segmentFilters(companyId, score, range)], properties, [score], CRM_CONTACT_PAGE));
    }),
  );
  const totalOf = (segment: string) => firstPages.get(SEGMENT_RANGES.findIndex((r) => r.segment === segment))!.total;
  const [promoters, passives, detractors] = [totalOf('promoter'), totalOf('passive'), totalOf('detractor')];
  const counts: AccountCounts = {
    accountKey: rowKey('hubspot', portal, companyId),
    method: 'latestPerContact',
    unavailable: chosen === 'latestPerContact' ? null : chosen,
    counted: 'people',
    windowDays: null,
    promoters,
    passives,
    detractors,
    respondents: promoters + passives + detractors,
    byRole: [],
    byQuarter: [],
    computedAt: hubspot.now(),
  };
  return { counts, firstPages };
}
