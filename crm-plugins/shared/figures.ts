import { safeSegment } from '../../core/nps';
import { accountRollup, revenueAtRisk, rollupFromCounts, type AccountRollup, type Money } from '../../core/rollup';
import { followUpDueTime, followUpPriority, priorityScore, slaClock, sortFollowUps, type FollowUpPriority, type NoDueReason, type SlaState } from '../../core/rules';
import type { FollowUp, OpenDeal, RecordContext, Segment, SurveyResponse } from '../../core/schema';
import type { RollupMethod, Settings } from '../../core/settings';
import { followUpsOfView } from '../../core/store';

// What a CRM card shows for one record, computed from a connector's RecordContext with core/ alone, the way the
// extension's panel computes it from its cache (core/panel-data.ts): the same roll-up method, the same revenue at
// risk, the same SLA and priority rules. Plain JSON, so a HubSpot app function can send it to its card, and free of
// zod and browser APIs, so the build can bundle it into a Lightning web component.

export type CardRules = Settings['rules'];

export interface CardContact {
  id: string;
  name: string;
  latestScore: number | null;
  segment: Segment | null;
  latestAt: number | null;
  latestComment: string | null;
  /** The latest NPS answer's id, for the outcome the card logs. */
  responseId: string | null;
}

export interface CardAccount {
  id: string;
  name: string;
  nps: number | null;
  n: number;
  /** What n counts: people (the per-contact methods) or answers (the window). */
  counted: AccountRollup['counted'];
  margin: number | null;
  tooFew: boolean;
  method: RollupMethod;
  windowDays: number | null;
  /** Counted by the CRM for a large account (no weights, no rows). */
  fromCounts: boolean;
  /** Revenue at risk by the extension's rule (core/rollup.ts revenueAtRisk): one sum per currency. */
  revenueAtRisk: { atRisk: Money[]; unknown: boolean; dealsUnread: boolean };
  currency: string | null;
}

export interface CardFollowUp {
  id: string;
  kind: FollowUp['kind'];
  title: string;
  url: string | null;
  contactId: string | null;
  contactName: string | null;
  ownerName: string | null;
  dueAt: number | null;
  /** Why there is no due time, when there is none. */
  noDueReason: NoDueReason | null;
  sla: SlaState | null;
  priority: FollowUpPriority;
  /** The NPS score it is prioritised by: its answer's, else its contact's latest (core/rules.ts priorityScore). */
  score: number | null;
}

export interface CardFigures {
  crm: RecordContext['ref']['crm'];
  title: string;
  /** The record's first focus contact (a contact, a ticket's or case's contact); null on an account view. */
  contact: CardContact | null;
  account: CardAccount | null;
  /** Open follow-ups in the order to work them. */
  followUps: CardFollowUp[];
  /** Whether anything at all was ever answered for this record. */
  hasResponses: boolean;
  computedAt: number;
}

function latestNps(responses: SurveyResponse[]): SurveyResponse | null {
  let latest: SurveyResponse | null = null;
  for (const r of responses) if (r.kind === 'nps' && (!latest || r.submittedAt >= latest.submittedAt)) latest = r;
  return latest;
}

function latestNpsOf(responses: SurveyResponse[], contactKey: string): SurveyResponse | null {
  return latestNps(responses.filter((r) => r.contactKey === contactKey));
}

/** Contacts on these deals whose latest NPS answer is a detractor's: their answers, else what the CRM keeps on them. */
function detractorsOn(deals: OpenDeal[], responses: SurveyResponse[]): Set<string> {
  const facts = new Map(deals.flatMap((d) => Object.entries(d.contactFacts)));
  const keys = new Set<string>();
  for (const key of new Set(deals.flatMap((d) => d.contactKeys))) {
    const score = latestNpsOf(responses, key)?.score ?? facts.get(key)?.latestNps ?? null;
    if (score !== null && safeSegment(score) === 'detractor') keys.add(key);
  }
  return keys;
}

function accountPart(context: RecordContext, rules: CardRules, now: number): { rollup: AccountRollup; part: CardAccount } | null {
  const account = context.account;
  if (!account) return null;
  const rollup = context.accountCounts
    ? rollupFromCounts(context.accountCounts, rules.rollup.roleWeights)
    : accountRollup({
        ...rules.rollup,
        now,
        contacts: context.contacts.filter((c) => c.accountKey === account.key),
        responses: context.responses.filter((r) => r.accountKey === account.key),
      });
  // The panel's rule (core/panel-data.ts): deals not read with this view leave only the total, shown apart.
  const read = account.revenueSource === 'openPipeline' ? (context.deals ?? []).filter((d) => d.accountKey === account.key) : null;
  const deals = read !== null && (read.length > 0 || !account.revenue) ? read : null;
  const risk = revenueAtRisk({ account, deals, detractorKeys: detractorsOn(deals ?? [], context.responses), rollupDetractors: rollup.summary.detractors });
  return {
    rollup,
    part: {
      id: account.id,
      name: account.name,
      nps: rollup.summary.nps,
      n: rollup.summary.n,
      counted: rollup.counted,
      margin: rollup.summary.marginOfError95,
      tooFew: rollup.tooFew,
      method: rollup.method,
      windowDays: context.accountCounts ? context.accountCounts.windowDays : rollup.method === 'window' ? rules.rollup.windowDays : null,
      fromCounts: context.accountCounts !== null,
      revenueAtRisk: { atRisk: risk.atRisk, unknown: risk.unknown, dealsUnread: risk.dealsUnread },
      currency: account.currency,
    },
  };
}

/** The card's figures for one record; `now` is a parameter so the same data always gives the same figures. */
export function cardFigures(context: RecordContext, rules: CardRules, now: number): CardFigures {
  const focusKey = context.focusContactKeys[0] ?? null;
  const focusContact = focusKey ? (context.contacts.find((c) => c.key === focusKey) ?? null) : null;
  const focusResponses = focusKey ? context.responses.filter((r) => r.contactKey === focusKey) : [];
  const latest = latestNps(focusResponses);
  const contact: CardContact | null = focusKey
    ? {
        id: focusContact?.id ?? focusKey.split('|').pop()!,
        name: focusContact?.name ?? context.title,
        latestScore: latest?.score ?? null,
        segment: latest ? safeSegment(latest.score) : null,
        latestAt: latest?.submittedAt ?? null,
        latestComment: latest?.comment ?? null,
        responseId: latest?.id ?? null,
      }
    : null;

  const account = accountPart(context, rules, now);

  // The follow-ups the view lists, by the one rule of both CRMs (core/store.ts), open ones only.
  const listed = followUpsOfView({ ref: context.ref, focusContactKeys: context.focusContactKeys, accountKey: context.account?.key ?? null }, context.followUps);
  const open = listed.filter((f) => f.status === 'open');
  const responseByKey = new Map(context.responses.map((r) => [r.key, r]));
  const contactByKey = new Map(context.contacts.map((c) => [c.key, c]));
  const rows = open.map((f) => {
    const response = f.responseKey ? (responseByKey.get(f.responseKey) ?? null) : null;
    const contactAnswers = f.contactKey ? context.responses.filter((r) => r.contactKey === f.contactKey) : [];
    const due = followUpDueTime({ crmDueAt: f.dueAt, answer: response, createdAt: f.createdAt, hasContact: f.contactKey !== null, contactAnswers }, rules);
    const score = priorityScore({ answer: response, contactAnswers })?.score ?? null;
    const row: CardFollowUp = {
      id: f.id,
      kind: f.kind,
      title: f.title,
      url: f.url,
      contactId: f.contactKey ? (contactByKey.get(f.contactKey)?.id ?? f.contactKey.split('|').pop()!) : null,
      contactName: f.contactKey ? (contactByKey.get(f.contactKey)?.name ?? null) : null,
      ownerName: f.ownerName,
      dueAt: due.dueAt,
      noDueReason: due.dueAt === null ? due.reason : null,
      sla: due.dueAt === null ? null : slaClock(due.dueAt, now).state,
      priority: followUpPriority(score, rules),
      score,
    };
    return row;
  });
  const followUps = sortFollowUps(rows, (row) => ({ score: row.score, revenue: context.account?.revenue ?? null, dueAt: row.dueAt }), rules);

  return {
    crm: context.ref.crm,
    title: context.title,
    contact,
    account: account?.part ?? null,
    followUps,
    hasResponses: focusResponses.length > 0 || (context.focusContactKeys.length === 0 && (account?.rollup.summary.n ?? 0) > 0),
    computedAt: now,
  };
}
