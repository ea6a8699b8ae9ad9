import { z } from 'zod';
import { isNpsScore, segment } from '../../core/nps';
import { monthBounds, RECENT_LOOPS, type CauseCount, type InsightsCounts, type Month, type MonthCounts, type OwnerFilter, type RecentLoop, type TouchpointCount } from '../../core/insights';
import { causesByReason } from '../../core/case-reason';
import type { SalesforceSource, Settings } from '../../core/settings';
import type { InsightsReader } from '../insights';
import { ok, parseWith, type Meter, type SubQuery, type SubResult } from './client';
import type { SalesforceOrg } from './connection';
import { recordUrl } from './paths';
import { parseSfDate, queryResultSchema } from './schema';
import * as soql from './soql';
import { caseTitle } from './follow-ups';

// The outer loop on Salesforce, counted by aggregate SOQL in composite requests (five queries each): NPS per month and
// score, and per survey and score, with GROUP BY; per root cause and loop step the period's follow-up Cases whose
// multi-select picklist INCLUDES it (Salesforce cannot group a multi-select picklist), per root cause by account so the
// open pipeline or revenue field of those accounts adds up once each; the Cases opened and closed grouped by IsClosed;
// one page of recent loops. Where the admin maps root causes to the standard Case Reason (a single-select picklist),
// one GROUP BY Reason, AccountId counts them all, each Reason value read back as the cause it stands for.

/** The follow-up Case's multi-select picklists the outcome write fills (integrations/salesforce/outcomes.ts). */
export const CAUSES_FIELD = 'Loyalty_Lens_Root_Causes__c';
export const STEPS_FIELD = 'Loyalty_Lens_Loop_Steps__c';
const STEPS = ['reached', 'resolved', 'thanked'] as const;
/** Salesforce answers an aggregate query with at most 2,000 groups (no further pages): more accounts, no revenue. */
const GROUPS_MAX = 2_000;

const sfDateTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const inList = (ids: readonly string[]) => `(${ids.map(soql.idLiteral).join(', ')})`;

/** The follow-up Cases: of the follow-up type where the admin set one, else those Loyalty Lens opened (their Subject). */
function followUpWhere(settings: Settings, filter: OwnerFilter, period: { start: number; end: number }): string {
  const kind = settings.salesforce.followUpCaseType ? `Type = ${soql.quote(settings.salesforce.followUpCaseType)}` : `Subject LIKE '%follow-up [%'`;
  const owners = filter.kind === 'owners' ? ` AND Account.OwnerId IN ${inList(filter.ownerIds)}` : '';
  return `${kind} AND CreatedDate >= ${sfDateTime(period.start)} AND CreatedDate < ${sfDateTime(period.end)}${owners}`;
}

/** A source's NPS answers of the period, with the fields to group them by. */
function answers(source: SalesforceSource, filter: OwnerFilter, period: { start: number; end: number }): { object: string; score: string; date: string; survey: string | null; where: string } {
  const range = (date: string) => `${date} >= ${sfDateTime(period.start)} AND ${date} < ${sfDateTime(period.end)}`;
  if (source.kind === 'salesforce-surveys') {
    const date = 'Response.CompletionDateTime';
    const owners = filter.kind === 'owners' ? ` AND Invitation.Contact.Account.OwnerId IN ${inList(filter.ownerIds)}` : '';
    return { object: 'SurveyQuestionResponse', score: 'NumberValue', date, survey: 'Invitation.Survey.Name', where: `Question.QuestionType = 'NPS' AND ${range(date)}${owners}` };
  }
  const date = soql.apiName(source.dateField);
  const kind = source.surveyKindField ? ` AND ${soql.apiName(source.surveyKindField)} = 'NPS'` : '';
  const owners = filter.kind === 'owners' ? ` AND ${soql.apiName(soql.relationshipOf(source.contactField))}.Account.OwnerId IN ${inList(filter.ownerIds)}` : '';
  return {
    object: soql.apiName(source.object),
    score: soql.apiName(source.scoreField),
    date,
    survey: source.surveyNameField ? soql.apiName(source.surveyNameField) : null,
    where: `${range(date)}${kind}${owners}`,
  };
}

const monthRowSchema = z.object({ y: z.number().int(), m: z.number().int().min(1).max(12), score: z.unknown(), n: z.number().int().nonnegative() }).loose();
const surveyRowSchema = z.object({ s: z.string().nullable(), score: z.unknown(), n: z.number().int().nonnegative() }).loose();
const countSchema = z.object({ n: z.number().int().nonnegative() }).loose();
const byAccountSchema = z.object({ a: z.string().nullable(), n: z.number().int().nonnegative() }).loose();
const byReasonSchema = z.object({ r: z.string().nullable(), a: z.string().nullable(), n: z.number().int().nonnegative() }).loose();
const accountRevenueSchema = z.object({ a: z.string().nullable(), r: z.number().nullable() }).loose();
const closedRowSchema = z.object({ c: z.boolean(), n: z.number().int().nonnegative() }).loose();
const recentSchema = z
  .object({
    Id: z.string(),
    CaseNumber: z.string().nullable().optional(),
    Subject: z.string().nullable().optional(),
    IsClosed: z.boolean(),
    CreatedDate: z.string(),
    ClosedDate: z.string().nullable().optional(),
    Contact: z.object({ Name: z.string().nullable() }).nullable().optional(),
  })
  .loose();

const segmentOf = (value: unknown): 'promoters' | 'passives' | 'detractors' | null => {
  const score = typeof value === 'string' ? Number(value) : value;
  if (typeof score !== 'number' || !isNpsScore(score)) return null;
  const s = segment(score);
  return s === 'promoter' ? 'promoters' : s === 'passive' ? 'passives' : 'detractors';
};

/** A field the org lacks answers INVALID_FIELD: the loop fields are optional, so that part is not counted. */
const lacksField = (result: SubResult | undefined) => !!result && !result.ok && result.error.kind === 'config';

export async function countSalesforceInsights(org: SalesforceOrg, filter: OwnerFilter, months: Month[], settings: Settings): Promise<InsightsCounts> {
  org.checkInstance();
  const meter: Meter = { requests: 0 };
  const orgCurrency = await org.orgCurrency(meter);
  const ctx = { mapping: settings.salesforce };
  const period = { start: monthBounds(months[0]!).start, end: monthBounds(months.at(-1)!).end };
  const fu = followUpWhere(settings, filter, period);
  const causes = settings.rules.rootCauses;
  const revenue = settings.salesforce.revenue;
  const mapping = settings.salesforce.rootCauseField;
  // Reason value → cause; null: causes are in the multi-select picklist.
  const byReason = mapping.kind === 'caseReason' ? causesByReason(causes, mapping.reasons) : null;
  const reasonList = byReason ? `(${[...byReason.keys()].map(soql.quote).join(', ')})` : '';
  const causesColumn = byReason ? 'Reason' : CAUSES_FIELD;
  const queries: SubQuery[] = [];
  settings.salesforce.sources.forEach((source, i) => {
    const a = answers(source, filter, period);
    queries.push({
      referenceId: `months${i}`,
      soql: `SELECT CALENDAR_YEAR(${a.date}) y, CALENDAR_MONTH(${a.date}) m, ${a.score} score, COUNT(Id) n FROM ${a.object} WHERE ${a.where} GROUP BY CALENDAR_YEAR(${a.date}), CALENDAR_MONTH(${a.date}), ${a.score}`,
    });
    if (a.survey) queries.push({ referenceId: `surveys${i}`, soql: `SELECT ${a.survey} s, ${a.score} score, COUNT(Id) n FROM ${a.object} WHERE ${a.where} GROUP BY ${a.survey}, ${a.score}` });
  });
  queries.push({ referenceId: 'opened', soql: `SELECT IsClosed c, COUNT(Id) n FROM Case WHERE ${fu} GROUP BY IsClosed` });
  queries.push({
    referenceId: 'recent',
    soql: `SELECT Id, CaseNumber, Subject, IsClosed, CreatedDate, ClosedDate, Contact.Name, ${causesColumn}, ${STEPS_FIELD} FROM Case WHERE ${fu} ORDER BY CreatedDate DESC LIMIT ${RECENT_LOOPS}`,
  });
  // Per cause, its follow-ups counted by account (a multi-select picklist cannot be grouped, its accounts can; the
  // Reason and its accounts can, in one query); the money behind the accounts that have any cause, once per account —
  // their open pipeline or revenue field, summed (per account for the field) so Salesforce answers in one currency.
  if (byReason) {
    if (byReason.size > 0) {
      queries.push({ referenceId: 'reasons', soql: `SELECT Reason r, AccountId a, COUNT(Id) n FROM Case WHERE ${fu} AND Reason IN ${reasonList} GROUP BY Reason, AccountId LIMIT ${GROUPS_MAX}` });
    }
  } else {
    causes.forEach((cause, i) => {
      const withCause = `${fu} AND ${CAUSES_FIELD} INCLUDES (${soql.quote(cause.replace(/;/g, ' '))})`;
      queries.push({ referenceId: `cause${i}`, soql: `SELECT AccountId a, COUNT(Id) n FROM Case WHERE ${withCause} GROUP BY AccountId LIMIT ${GROUPS_MAX}` });
    });
  }
  const withAnyCause = `(SELECT AccountId FROM Case WHERE ${fu} AND ${byReason ? `Reason IN ${reasonList}` : `${CAUSES_FIELD} != null`})`;
  if (!byReason || byReason.size > 0) {
    queries.push({
      referenceId: 'revenue',
      soql:
        revenue.kind === 'accountField'
          ? `SELECT Id a, SUM(${soql.apiName(revenue.field)}) r FROM Account WHERE Id IN ${withAnyCause} GROUP BY Id LIMIT ${GROUPS_MAX}`
          : `SELECT AccountId a, SUM(Amount) r FROM Opportunity WHERE IsClosed = false AND AccountId IN ${withAnyCause} GROUP BY AccountId LIMIT ${GROUPS_MAX}`,
    });
  }
  for (const step of STEPS) queries.push({ referenceId: `step-${step}`, soql: `SELECT COUNT(Id) n FROM Case WHERE ${fu} AND ${STEPS_FIELD} INCLUDES (${soql.quote(step)})` });

  const results = await org.api.composite(queries, meter, ctx);
  const monthly = new Map<string, MonthCounts>(months.map((m) => [m, { month: m, promoters: 0, passives: 0, detractors: 0 }]));
  const surveys = new Map<string, TouchpointCount>();
  settings.salesforce.sources.forEach((_, i) => {
    for (const row of parseWith(queryResultSchema(monthRowSchema), ok(results.get(`months${i}`), 'NPS by month'), 'the NPS by month').records) {
      const field = segmentOf(row.score);
      const entry = monthly.get(`${row.y}-${String(row.m).padStart(2, '0')}`);
      if (field && entry) entry[field] += row.n;
    }
    const bySurvey = results.get(`surveys${i}`);
    if (!bySurvey) return;
    for (const row of parseWith(queryResultSchema(surveyRowSchema), ok(bySurvey, 'NPS by survey'), 'the NPS by survey').records) {
      const field = segmentOf(row.score);
      if (!field || !row.s) continue;
      const entry = surveys.get(row.s) ?? { kind: 'survey', name: row.s, n: 0, detractors: 0 };
      entry.n += row.n;
      if (field === 'detractors') entry.detractors += row.n;
      surveys.set(row.s, entry);
    }
  });
  const openedRows = parseWith(queryResultSchema(closedRowSchema), ok(results.get('opened'), 'follow-ups opened'), 'the follow-ups opened').records;
  // The standard Reason is always there; the multi-select picklists only where the admin added them.
  const causeField = byReason ? byReason.size > 0 : !lacksField(results.get('cause0')) && !lacksField(results.get('recent'));
  const stepsField = !lacksField(results.get('step-reached'));
  const count = (ref: string) => parseWith(queryResultSchema(countSchema), ok(results.get(ref), ref), 'a count').records[0]?.n ?? 0;
  const revenueRows = causeField ? parseWith(queryResultSchema(accountRevenueSchema), ok(results.get('revenue'), 'revenue behind the causes'), 'the revenue behind the causes').records : [];
  const revenueOf = new Map(revenueRows.flatMap((r) => (r.a ? [[r.a, r.r ?? 0] as const] : [])));
  const reasonRows = byReason && causeField ? parseWith(queryResultSchema(byReasonSchema), ok(results.get('reasons'), 'the root causes by Case Reason'), 'the root causes by Case Reason').records : [];
  const causeCounts: CauseCount[] = byReason
    ? [...byReason].map(([reason, cause]) => {
        const rows = reasonRows.filter((r) => r.r === reason);
        const complete = reasonRows.length < GROUPS_MAX && revenueRows.length < GROUPS_MAX;
        return {
          cause,
          count: rows.reduce((n, r) => n + r.n, 0),
          revenue: complete ? rows.reduce((sum, r) => sum + (r.a ? (revenueOf.get(r.a) ?? 0) : 0), 0) : null,
        };
      })
    : causeField
    ? causes.map((cause, i) => {
        const rows = parseWith(queryResultSchema(byAccountSchema), ok(results.get(`cause${i}`), 'a root cause count'), 'a root cause count').records;
        const complete = rows.length < GROUPS_MAX && revenueRows.length < GROUPS_MAX;
        return {
          cause,
          count: rows.reduce((n, r) => n + r.n, 0),
          revenue: complete ? rows.reduce((sum, r) => sum + (r.a ? (revenueOf.get(r.a) ?? 0) : 0), 0) : null,
        };
      })
    : [];
  // Without the loop fields the recent loops are read again without them (the standard Reason stays).
  const recentResult = !lacksField(results.get('recent'))
    ? results.get('recent')
    : (await org.api.composite([{ referenceId: 'recent', soql: `SELECT Id, CaseNumber, Subject, IsClosed, CreatedDate, ClosedDate, Contact.Name${byReason ? ', Reason' : ''} FROM Case WHERE ${fu} ORDER BY CreatedDate DESC LIMIT ${RECENT_LOOPS}` }], meter, ctx)).get('recent');
  const recentRows = parseWith(queryResultSchema(recentSchema), ok(recentResult, 'recent loops'), 'the recent loops').records;
  const picks = (value: unknown) => (typeof value === 'string' ? value.split(';').map((v) => v.trim()).filter(Boolean) : []);
  const recent: RecentLoop[] = recentRows.map((row) => ({
    crm: 'salesforce',
    id: row.Id,
    title: caseTitle(row),
    contactName: row.Contact?.Name ?? null,
    rootCauses: byReason ? (typeof row.Reason === 'string' && byReason.has(row.Reason) ? [byReason.get(row.Reason)!] : []) : picks(row[CAUSES_FIELD]),
    steps: picks(row[STEPS_FIELD]).filter((s): s is RecentLoop['steps'][number] => (STEPS as readonly string[]).includes(s)),
    closed: row.IsClosed,
    openedAt: parseSfDate(row.CreatedDate) ?? 0,
    url: recordUrl(org.instance(), 'Case', row.Id),
  }));
  // SOQL cannot subtract two dates: the time to close is the mean of the recent closed loops listed.
  const durations = recentRows.flatMap((row) => {
    const opened = parseSfDate(row.CreatedDate);
    const closedAt = parseSfDate(row.ClosedDate);
    return row.IsClosed && opened !== null && closedAt !== null && closedAt >= opened ? [(closedAt - opened) / 3_600_000] : [];
  });
  return {
    crm: 'salesforce',
    instance: org.instance(),
    counted: 'answers',
    months: [...monthly.values()],
    causes: causeCounts,
    // Aggregates of currency fields come back in the org's corporate currency (known since connecting).
    currency: orgCurrency,
    touchpoints: [...surveys.values()],
    funnel: {
      opened: openedRows.reduce((n, r) => n + r.n, 0),
      reached: stepsField ? count('step-reached') : null,
      resolved: stepsField ? count('step-resolved') : null,
      thanked: stepsField ? count('step-thanked') : null,
      closed: openedRows.filter((r) => r.c).reduce((n, r) => n + r.n, 0),
      closeHoursTotal: durations.length > 0 ? durations.reduce((a, b) => a + b, 0) : null,
      closeCounted: durations.length,
    },
    recent,
    causeField: byReason ? (byReason.size > 0 ? 'present' : 'unmapped') : causeField ? 'present' : 'missing',
    requestCount: meter.requests,
    fetchedAt: org.now(),
  };
}

export function salesforceInsights(org: SalesforceOrg): InsightsReader {
  return { count: (filter, months, settings) => countSalesforceInsights(org, filter, months, settings) };
}
