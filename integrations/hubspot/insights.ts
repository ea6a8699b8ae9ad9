import { z } from 'zod';
import { monthBounds, RECENT_LOOPS, type CauseCount, type InsightsCounts, type Month, type MonthCounts, type OwnerFilter, type RecentLoop, type TouchpointCount } from '../../core/insights';
import type { Settings } from '../../core/settings';
import type { InsightsReader } from '../insights';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { LAST_NPS_PROPERTY, LAST_SURVEY_PROPERTY } from './account-counts';
import { closedStageIds, followUpPipeline } from './follow-ups';
import { appRecordUrl } from './paths';
import { search, type HsFilter } from './requests';
import { toEpochMs } from './schema';

// The outer loop on HubSpot, counted by search totals (paced by the transport within the five-a-second search limit):
// per month its promoters, passives and detractors; per root cause and loop step the follow-up tickets of the period
// whose multi-checkbox property holds it; per survey channel its answers and detractors. Only the recent loops are
// rows, one page of them.

/** The follow-up ticket's multi-checkbox properties the outcome write fills (integrations/hubspot/outcomes.ts). */
export const CAUSES_PROPERTY = 'loyalty_lens_root_causes';
export const STEPS_PROPERTY = 'loyalty_lens_loop_steps';
/** HubSpot's survey channels, each ranked by its detractor share. */
const CHANNELS = ['EMAIL', 'WEB', 'IN_APP', 'SMS'] as const;
const GROUPS = [
  ['PROMOTER', 'promoters'],
  ['PASSIVE', 'passives'],
  ['DETRACTOR', 'detractors'],
] as const;

const hsEnumPropertiesSchema = z.object({
  results: z.array(z.object({ name: z.string(), type: z.string(), fieldType: z.string().optional(), options: z.array(z.object({ value: z.string() })).optional() })),
});

/** The ticket properties of the loop (with the values each takes), or null where the portal lacks one. */
export async function loopProperties(portal: HubSpotPortal): Promise<{ causes: string[] | null; steps: string[] | null }> {
  const res = await call(hsEnumPropertiesSchema, 'the ticket properties', () => portal.apis.properties.getAll('tickets', false));
  const values = (name: string) => {
    const p = res.results.find((r) => r.name === name && r.type === 'enumeration');
    return p ? (p.options ?? []).map((o) => o.value) : null;
  };
  return { causes: values(CAUSES_PROPERTY), steps: values(STEPS_PROPERTY) };
}

const between = (propertyName: string, start: number, end: number): HsFilter => ({ propertyName, operator: 'BETWEEN', value: String(start), highValue: String(end - 1) });

export async function countHubSpotInsights(portal: HubSpotPortal, filter: OwnerFilter, months: Month[], settings: Settings): Promise<InsightsCounts> {
  const start = portal.http.requestCount;
  const directory = await portal.checkedDirectory(null);
  const pipeline = followUpPipeline(settings, directory.pipelines);
  const closed = closedStageIds(directory.pipelines);
  const period = { start: monthBounds(months[0]!).start, end: monthBounds(months.at(-1)!).end };
  const owners: HsFilter[] = filter.kind === 'owners' ? [{ propertyName: 'hubspot_owner_id', operator: 'IN', values: filter.ownerIds }] : [];
  const total = async (type: string, filters: HsFilter[]) => (await search(portal.apis, type, [filters], ['hs_object_id'], [], 1)).total;

  // Everyone's answers are the feedback submissions themselves; an owner's are the latest answers of the contacts
  // they own (a submission names no owner), counted as people. A survey tool's contact properties count the same way.
  const cp = settings.hubspot.sources.find((s) => s.kind === 'hubspot-contact-properties' && s.surveyKind === 'nps');
  const bySubmissions = filter.kind === 'everyone' && !cp && settings.hubspot.sources.some((s) => s.kind === 'hubspot-feedback');
  const scoreProperty = cp && cp.kind === 'hubspot-contact-properties' ? cp.scoreProperty : LAST_NPS_PROPERTY;
  const dateProperty = (cp && cp.kind === 'hubspot-contact-properties' ? cp.dateProperty : null) ?? LAST_SURVEY_PROPERTY;
  const scores = (low: number, high: number) => ({ propertyName: scoreProperty, operator: 'IN', values: Array.from({ length: high - low + 1 }, (_, i) => String(low + i)) });
  const ranges = { promoters: scores(9, 10), passives: scores(7, 8), detractors: scores(0, 6) };
  const answersIn = (s: number, e: number): HsFilter[] => (bySubmissions ? [{ propertyName: 'hs_survey_type', operator: 'EQ', value: 'NPS' }, between('hs_submission_timestamp', s, e)] : [...owners, between(dateProperty, s, e)]);
  const segmentFilter = (group: (typeof GROUPS)[number]): HsFilter => (bySubmissions ? { propertyName: 'hs_response_group', operator: 'EQ', value: group[0] } : ranges[group[1]]);

  const monthCounts = months.map(async (month): Promise<MonthCounts> => {
    const { start: s, end: e } = monthBounds(month);
    const [promoters, passives, detractors] = await Promise.all(GROUPS.map((g) => total(bySubmissions ? 'feedback_submissions' : 'contacts', [...answersIn(s, e), segmentFilter(g)])));
    return { month, promoters: promoters!, passives: passives!, detractors: detractors! };
  });
  const channels = bySubmissions
    ? CHANNELS.map(async (channel): Promise<TouchpointCount> => {
        const f = [...answersIn(period.start, period.end), { propertyName: 'hs_survey_channel', operator: 'EQ', value: channel }];
        const [n, detractors] = await Promise.all([total('feedback_submissions', f), total('feedback_submissions', [...f, segmentFilter(GROUPS[2])])]);
        return { kind: 'channel', name: channel, n: n!, detractors: detractors! };
      })
    : [];

  const props = await loopProperties(portal);
  const followUps: HsFilter[] = pipeline ? [{ propertyName: 'hs_pipeline', operator: 'EQ', value: pipeline.id }, between('createdate', period.start, period.end), ...owners] : [];
  const causes = pipeline && props.causes
    ? settings.rules.rootCauses.filter((c) => props.causes!.includes(c)).map(async (cause): Promise<CauseCount> => ({ cause, count: await total('tickets', [...followUps, { propertyName: CAUSES_PROPERTY, operator: 'EQ', value: cause }]), revenue: null }))
    : [];
  const step = (value: string) =>
    pipeline && props.steps?.includes(value) ? total('tickets', [...followUps, { propertyName: STEPS_PROPERTY, operator: 'EQ', value }]) : Promise.resolve(null);
  const closedStages = pipeline ? pipeline.stages.filter((st) => closed.has(st.id)).map((st) => st.id) : [];
  const [opened, closedCount, reached, resolved, thanked, recentPage] = await Promise.all([
    pipeline ? total('tickets', followUps) : 0,
    pipeline && closedStages.length > 0 ? total('tickets', [...followUps, { propertyName: 'hs_pipeline_stage', operator: 'IN', values: closedStages }]) : 0,
    step('reached'),
    step('resolved'),
    step('thanked'),
    pipeline
      ? search(portal.apis, 'tickets', [followUps], ['subject', 'createdate', 'closed_date', 'hs_pipeline_stage', CAUSES_PROPERTY, STEPS_PROPERTY].filter((p) => (p === CAUSES_PROPERTY ? props.causes : p === STEPS_PROPERTY ? props.steps : true)), ['-createdate'], RECENT_LOOPS)
      : null,
  ]);
  const recent: RecentLoop[] = (recentPage?.results ?? []).map((t) => ({
    crm: 'hubspot',
    id: t.id,
    title: t.properties.subject || `Ticket ${t.id}`,
    contactName: null,
    rootCauses: (t.properties[CAUSES_PROPERTY] ?? '').split(';').filter(Boolean),
    steps: (t.properties[STEPS_PROPERTY] ?? '').split(';').filter((s): s is RecentLoop['steps'][number] => s === 'reached' || s === 'resolved' || s === 'thanked'),
    closed: closed.has(t.properties.hs_pipeline_stage ?? ''),
    openedAt: toEpochMs(t.properties.createdate) ?? 0,
    url: appRecordUrl(directory.portalId, 'ticket', t.id),
  }));
  // Time to close: search cannot add durations up, so it is the mean of the recent closed loops listed.
  const durations = (recentPage?.results ?? []).flatMap((t) => {
    const opened = toEpochMs(t.properties.createdate);
    const closedAt = toEpochMs(t.properties.closed_date);
    return opened !== null && closedAt !== null && closed.has(t.properties.hs_pipeline_stage ?? '') && closedAt >= opened ? [(closedAt - opened) / 3_600_000] : [];
  });
  return {
    crm: 'hubspot',
    instance: directory.portalId,
    counted: bySubmissions ? 'answers' : 'people',
    months: await Promise.all(monthCounts),
    causes: await Promise.all(causes),
    currency: directory.currency,
    touchpoints: await Promise.all(channels),
    funnel: {
      opened,
      reached,
      resolved,
      thanked,
      closed: closedCount,
      closeHoursTotal: durations.length > 0 ? durations.reduce((a, b) => a + b, 0) : null,
      closeCounted: durations.length,
    },
    recent,
    causeField: props.causes ? 'present' : 'missing',
    requestCount: portal.http.requestCount - start,
    fetchedAt: portal.now(),
  };
}

export function hubspotInsights(portal: HubSpotPortal): InsightsReader {
  return { count: (filter, months, settings) => countHubSpotInsights(portal, filter, months, settings) };
}
