import { z } from 'zod';
import { KEPT_MONTH_MAX_AGE_MS, monthBounds, monthClosedAt, monthOf, RECENT_LOOPS, type CauseCount, type InsightsCounts, type KeptMonth, type Month, type MonthCounts, type OwnerFilter, type RecentLoop, type TouchpointCount } from '../../core/insights';
import type { Settings } from '../../core/settings';
import type { InsightsKept, InsightsReader } from '../insights';
import { call } from './client';
import type { HubSpotPortal } from './connection';
import { LAST_NPS_PROPERTY, LAST_SURVEY_PROPERTY } from './account-counts';
import { closedStageIds, followUpPipeline } from './follow-ups';
import { appRecordUrl } from './paths';
import { search, type HsFilter } from './requests';
import { toEpochMs, type HsSearchPage } from './schema';

// The outer loop on HubSpot, counted by search totals (paced by the transport within the five-a-second search limit):
// per month its promoters, passives and detractors; per root cause and loop step the follow-up tickets of the period
// whose multi-checkbox property holds it; per survey channel its answers and detractors. Only the recent loops are
// rows, one page of them.
// A total is one number and HubSpot allows five searches a second, so a year by month alone is 36 searches. What cannot
// have changed is not counted again: a closed month's answers stay as they were (kept per basis, any view), and two
// searches ask what changed since the earlier count — answers created since (whose dates name the months to recount,
// and which, read on one page, are added to the channels) and follow-ups touched since (then causes and steps are
// counted again). The open month is always counted. "Count again" (kept = null) counts everything.

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
const since = (propertyName: string, at: number): HsFilter => ({ propertyName, operator: 'GTE', value: String(at) });

/**
 * HubSpot's search shows a record seconds after it is written: what changed since an earlier count is looked for from
 * this long before it, on HubSpot's clock (finding a change the earlier count already saw only costs a recount).
 */
const CHANGE_MARGIN_MS = 60_000;
/** Answers read (their dates only) to find which kept months new ones fell in; more than a page recounts every month. */
const CHANGED_ROWS = 200;

export async function countHubSpotInsights(portal: HubSpotPortal, filter: OwnerFilter, months: Month[], settings: Settings, kept: InsightsKept | null): Promise<InsightsCounts> {
  const start = portal.http.requestCount;
  const now = portal.now();
  // Independent reads go at once; searches queue in the transport within HubSpot's five a second.
  const [directory, props] = await Promise.all([portal.checkedDirectory(null), loopProperties(portal)]);
  const pipeline = followUpPipeline(settings, directory.pipelines);
  const closed = closedStageIds(directory.pipelines);
  const period = { start: monthBounds(months[0]!).start, end: monthBounds(months.at(-1)!).end };
  const owners: HsFilter[] = filter.kind === 'owners' ? [{ propertyName: 'hubspot_owner_id', operator: 'IN', values: [...filter.ownerIds].sort() }] : [];
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
  const answerType = bySubmissions ? 'feedback_submissions' : 'contacts';
  // What the month counts are of: kept months of another scope, source or portal never stand in for these.
  const basis = JSON.stringify({ portal: directory.portalId, owners: owners[0]?.values ?? null, answers: bySubmissions ? 'feedback' : { scoreProperty, dateProperty } });
  const followUps: HsFilter[] = pipeline ? [{ propertyName: 'hs_pipeline', operator: 'EQ', value: pipeline.id }, between('createdate', period.start, period.end), ...owners] : [];
  const countedCauses = pipeline && props.causes ? settings.rules.rootCauses.filter((c) => props.causes!.includes(c)) : [];
  const followUpBasis = JSON.stringify({ pipeline: pipeline?.id ?? null, owners: owners[0]?.values ?? null, causes: props.causes ? countedCauses : null, steps: props.steps });

  // What an earlier count may lend: closed months (of any view of this basis, or this view's last count, while young).
  // The open month is always counted: it is where answers arrive.
  const previous = kept?.previous && kept.previous.basis === basis && kept.previous.instance === directory.portalId && now - kept.previous.fetchedAt < KEPT_MONTH_MAX_AGE_MS ? kept.previous : null;
  const closedMonths = months.filter((month) => monthClosedAt(month, now));
  const lent = new Map<Month, KeptMonth>();
  for (const m of kept ? await kept.months(basis, closedMonths) : []) lent.set(m.month, m);
  for (const m of previous?.months ?? []) {
    const at = m.countedAt ?? previous!.fetchedAt;
    if (closedMonths.includes(m.month) && monthClosedAt(m.month, at) && (lent.get(m.month)?.countedAt ?? 0) < at) lent.set(m.month, { ...m, countedAt: at });
  }

  // Answers added since (a new answer, or a late import dated into a closed month) say which lent months to count again.
  // A submission is never edited; a contact's latest answer moves between months, so there any change recounts them all.
  const onHubSpotClock = (at: number) => at + (portal.http.clockOffsetMs ?? 0) - CHANGE_MARGIN_MS;
  const answersSince = lent.size > 0 || previous ? onHubSpotClock(Math.min(...[...lent.values()].map((m) => m.countedAt), previous?.fetchedAt ?? Infinity)) : null;
  const ticketsSince = previous && previous.followUpBasis === followUpBasis && pipeline ? onHubSpotClock(previous.fetchedAt) : null;
  const answersChanged =
    answersSince === null
      ? Promise.resolve(null)
      : bySubmissions
        ? search(portal.apis, answerType, [[...answersIn(period.start, period.end), since('hs_createdate', answersSince)]], ['hs_submission_timestamp', 'hs_createdate', 'hs_survey_channel', 'hs_response_group'], [], CHANGED_ROWS)
        : search(portal.apis, answerType, [[...owners, since('lastmodifieddate', answersSince)]], ['hs_object_id'], [], 1);
  const followUpsChanged = ticketsSince === null ? Promise.resolve(null) : total('tickets', [...followUps, since('hs_lastmodifieddate', ticketsSince)]);
  /** The lent months still as they were (none where more answers changed than a page shows); null: nothing asked. */
  const stillLent = answersChanged.then((changed) => {
    if (!changed || changed.total === 0) return lent;
    const dated = changed.results.flatMap((r) => {
      const at = toEpochMs(r.properties.hs_submission_timestamp);
      return at === null ? [] : [monthOf(at)];
    });
    if (!bySubmissions || changed.total > dated.length) return new Map<Month, KeptMonth>();
    return new Map([...lent].filter(([month]) => !dated.includes(month)));
  });
  // Awaited only where a month is lent (a failed question fails the count there, or through the channels).
  stillLent.catch(() => undefined);
  const reused: number[] = [];

  const monthCounts = months.map(async (month): Promise<MonthCounts> => {
    const keptMonth = lent.has(month) ? (await stillLent).get(month) : undefined;
    if (keptMonth) {
      reused.push(keptMonth.countedAt);
      return keptMonth;
    }
    const { start: s, end: e } = monthBounds(month);
    const [promoters, passives, detractors] = await Promise.all(GROUPS.map((g) => total(answerType, [...answersIn(s, e), segmentFilter(g)])));
    return { month, promoters: promoters!, passives: passives!, detractors: detractors!, countedAt: now };
  });
  // Channels over the period: unchanged while no answer was added since the last count of this view.
  const channels = async (): Promise<TouchpointCount[]> => {
    if (!bySubmissions) return [];
    const changed = previous ? await answersChanged : null;
    if (previous && changed?.total === 0) {
      reused.push(previous.fetchedAt);
      return previous.touchpoints;
    }
    const added = previous && changed ? channelsPlusAdded(previous, changed, (portal.http.clockOffsetMs ?? 0) + CHANGE_MARGIN_MS) : null;
    if (added) {
      reused.push(previous!.fetchedAt);
      return added;
    }
    return Promise.all(
      CHANNELS.map(async (channel): Promise<TouchpointCount> => {
        const f = [...answersIn(period.start, period.end), { propertyName: 'hs_survey_channel', operator: 'EQ', value: channel }];
        const [n, detractors] = await Promise.all([total(answerType, f), total(answerType, [...f, segmentFilter(GROUPS[2])])]);
        return { kind: 'channel', name: channel, n: n!, detractors: detractors! };
      }),
    );
  };
  // The follow-ups' causes, steps and recent loops: unchanged while no follow-up of the view was touched since.
  const loops = async (): Promise<Pick<InsightsCounts, 'causes' | 'funnel' | 'recent' | 'causeField'>> => {
    if (previous && (await followUpsChanged) === 0) {
      reused.push(previous.fetchedAt);
      return { causes: previous.causes, funnel: previous.funnel, recent: previous.recent, causeField: previous.causeField };
    }
    return countLoops(portal, directory, pipeline, closed, followUps, countedCauses, props, total);
  };
  const [monthRows, touchpoints, loopCounts] = await Promise.all([Promise.all(monthCounts), channels(), loops()]);
  return {
    crm: 'hubspot',
    instance: directory.portalId,
    counted: bySubmissions ? 'answers' : 'people',
    months: monthRows,
    ...loopCounts,
    currency: directory.currency,
    touchpoints,
    requestCount: portal.http.requestCount - start,
    // When the count began and ended: what changed after is looked for next time.
    fetchedAt: now,
    countedUntil: portal.now(),
    basis,
    followUpBasis,
    ...(reused.length > 0 ? { keptSince: Math.min(...reused) } : {}),
  };
}

/**
 * The channels of an earlier count plus the answers added since, read on one page: a submission is never edited, so
 * these are exact — when every one of them was created after the earlier count ended (beyond `lagMs`, HubSpot's index
 * lag on its clock), so none can be in it. Otherwise null: the channels are counted again.
 */
function channelsPlusAdded(previous: InsightsCounts, changed: HsSearchPage, lagMs: number): TouchpointCount[] | null {
  if (previous.countedUntil === undefined || changed.total > changed.results.length) return null;
  const after = previous.countedUntil + lagMs;
  if (changed.results.some((r) => (toEpochMs(r.properties.hs_createdate) ?? -Infinity) <= after)) return null;
  const channels = CHANNELS.map((name): TouchpointCount => ({ ...(previous.touchpoints.find((t) => t.kind === 'channel' && t.name === name) ?? { kind: 'channel', name, n: 0, detractors: 0 }) }));
  for (const r of changed.results) {
    const channel = channels.find((c) => c.name === r.properties.hs_survey_channel);
    if (!channel) continue;
    channel.n += 1;
    if (r.properties.hs_response_group === 'DETRACTOR') channel.detractors += 1;
  }
  return channels;
}

/** Per root cause and loop step the follow-ups holding it, those closed, and one page of the most recent. */
async function countLoops(
  portal: HubSpotPortal,
  directory: Awaited<ReturnType<HubSpotPortal['checkedDirectory']>>,
  pipeline: ReturnType<typeof followUpPipeline>,
  closed: Set<string>,
  followUps: HsFilter[],
  countedCauses: string[],
  props: { causes: string[] | null; steps: string[] | null },
  total: (type: string, filters: HsFilter[]) => Promise<number>,
): Promise<Pick<InsightsCounts, 'causes' | 'funnel' | 'recent' | 'causeField'>> {
  const causes = countedCauses.map(async (cause): Promise<CauseCount> => ({ cause, count: await total('tickets', [...followUps, { propertyName: CAUSES_PROPERTY, operator: 'EQ', value: cause }]), revenue: null }));
  const step = (value: string) =>
    pipeline && props.steps?.includes(value) ? total('tickets', [...followUps, { propertyName: STEPS_PROPERTY, operator: 'EQ', value }]) : Promise.resolve(null);
  const closedStages = pipeline ? pipeline.stages.filter((st) => closed.has(st.id)).map((st) => st.id) : [];
  // The recent page's total is the number opened: one search serves both.
  const [closedCount, reached, resolved, thanked, recentPage] = await Promise.all([
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
    causes: await Promise.all(causes),
    funnel: {
      opened: recentPage?.total ?? 0,
      reached,
      resolved,
      thanked,
      closed: closedCount,
      closeHoursTotal: durations.length > 0 ? durations.reduce((a, b) => a + b, 0) : null,
      closeCounted: durations.length,
    },
    recent,
    causeField: props.causes ? 'present' : 'missing',
  };
}

export function hubspotInsights(portal: HubSpotPortal): InsightsReader {
  return { count: (filter, months, settings, kept) => countHubSpotInsights(portal, filter, months, settings, kept) };
}
