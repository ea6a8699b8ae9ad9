import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { segment, summarize, summarizeCounts, type NpsSummary } from '../../../core/nps';
import { TICKET_PIPELINES } from '../../../sandbox/hubspot/seed';
import type { PortalStore } from '../../../sandbox/hubspot/store';
import { connectHubSpot, expectedRecord, hubspotRecordUrl, panelFrame, publishScreenshot, waitForPanel } from '../harness';
import type { E2E } from '../types';
import { bigAccountContactsAreWorkable } from '../contact-list';

// The HubSpot connector end to end: on sandbox contact, company, deal and ticket pages the panel
// shows the right figures. Every expected figure is worked out here from the sandbox portal's own
// records (feedback submissions, associations, deals, tickets, tasks) with core/nps.ts, never copied
// from the extension, so a connector that fetched the wrong rows or too few shows up as a mismatch.
// Settings are the defaults: HubSpot feedback surveys, latest answer per contact, open deals as revenue.

/** Above this many contacts the connector summarizes a company from HubSpot's own counts. */
const LARGE_ACCOUNT = 200;

interface Expected {
  /** Latest NPS answer of each contact the page is about, in any order. */
  contactScores: number[];
  /** `dealsMayBeUnread`: a contact view reads no deals; until the company's are cached it says so instead of a sum. */
  account: { summary: NpsSummary; revenueAtRisk: number | null; dealsMayBeUnread: boolean } | null;
  openFollowUps: number;
}

type Figures = Record<string, string[]>;

function portalOf(t: E2E, portalId = t.hubspot.portals.main): PortalStore {
  return t.sandbox.hubspot.portal(portalId);
}

/** The valid NPS answers (0–10) a contact gave through HubSpot feedback surveys, newest first. */
function npsAnswers(store: PortalStore, contactId: string): Array<{ score: number; at: number }> {
  return store
    .associatedIds('contacts', contactId, 'feedback_submissions')
    .map((id) => store.get('feedback_submissions', id)!.properties)
    .filter((p) => p.hs_survey_type === 'NPS' && /^\d{1,2}$/.test((p.hs_value ?? '').trim()))
    .map((p) => ({ score: Number(p.hs_value), at: Date.parse(p.hs_submission_timestamp ?? '') }))
    .filter((a) => a.score <= 10)
    .sort((a, b) => b.at - a.at);
}

/** The record's primary company: the association labelled primary, else the first one. */
function primaryCompany(store: PortalStore, type: 'contacts' | 'deals' | 'tickets', id: string): string | null {
  const links = store.associations(type, id, 'companies');
  return (links.find((l) => l.typeIds.length > 1) ?? links[0])?.toId ?? null;
}

/**
 * Open follow-ups by the rule both CRMs follow (README, "What the figures mean"): a row belongs to its contact (the
 * first contact it is linked to) or, with none, to its company. A contact, deal or ticket page lists its contacts'
 * rows and its company's rows that name no contact; a company page every row of the company and of its contacts.
 */
function openFollowUps(store: PortalStore, companyId: string | null, contactIds: string[], companyPage: boolean): number {
  const openStages = new Set<string>(TICKET_PIPELINES.flatMap((p) => p.stages.filter((s) => s.state === 'OPEN').map((s) => s.id)));
  const members = new Set(companyPage && companyId ? store.associatedIds('companies', companyId, 'contacts') : contactIds);
  const rows = new Set<string>();
  const consider = (type: 'tickets' | 'tasks', id: string) => {
    const open = type === 'tickets' ? openStages.has(store.get('tickets', id)!.properties.hs_pipeline_stage ?? '') : store.get('tasks', id)!.properties.hs_task_status !== 'COMPLETED';
    if (!open) return;
    const contact = store.associatedIds(type, id, 'contacts')[0] ?? null;
    const company = store.associatedIds(type, id, 'companies')[0] ?? null;
    if (contact !== null ? members.has(contact) : company !== null && company === companyId) rows.add(`${type}/${id}`);
  };
  for (const type of ['tickets', 'tasks'] as const) {
    if (companyId) for (const id of store.associatedIds('companies', companyId, type)) consider(type, id);
    for (const contact of members) for (const id of store.associatedIds('contacts', contact, type)) consider(type, id);
  }
  return rows.size;
}

/** Contacts whose latest NPS answer is a detractor's. */
function isDetractor(store: PortalStore, contactId: string): boolean {
  const latest = npsAnswers(store, contactId)[0];
  return latest !== undefined && segment(latest.score) === 'detractor';
}

function expectedFor(store: PortalStore, objectType: 'contact' | 'company' | 'deal' | 'ticket', id: string): Expected {
  let focus: string[] = [];
  let companyId: string | null = null;
  if (objectType === 'contact') {
    focus = [id];
    companyId = primaryCompany(store, 'contacts', id);
  } else if (objectType === 'company') {
    companyId = id;
  } else {
    const type = objectType === 'deal' ? 'deals' : 'tickets';
    focus = store.associatedIds(type, id, 'contacts');
    companyId = primaryCompany(store, type, id);
  }
  const contactScores = focus.flatMap((c) => npsAnswers(store, c).slice(0, 1).map((a) => a.score));

  let account: Expected['account'] = null;
  if (companyId) {
    const members = store.associatedIds('companies', companyId, 'contacts');
    let summary: NpsSummary;
    if (members.length > LARGE_ACCOUNT) {
      // A large company is rolled up from HubSpot's counts of each contact's latest NPS rating property.
      const counts = { promoters: 0, passives: 0, detractors: 0 };
      for (const c of members) {
        const rating = store.get('contacts', c)!.properties.hs_feedback_last_nps_rating;
        if (rating === null || rating === undefined || !/^\d{1,2}$/.test(rating) || Number(rating) > 10) continue;
        const s = segment(Number(rating));
        counts[s === 'promoter' ? 'promoters' : s === 'passive' ? 'passives' : 'detractors'] += 1;
      }
      summary = summarizeCounts(counts);
    } else {
      summary = summarize(members.flatMap((c) => npsAnswers(store, c).slice(0, 1).map((a) => a.score)));
    }
    // Revenue at risk: the open deals on which a detractor is a contact (all in the portal's currency here).
    const atRisk = store
      .associatedIds('companies', companyId, 'deals')
      .filter((d) => store.get('deals', d)!.properties.hs_is_closed === 'false')
      .filter((d) => store.associatedIds('deals', d, 'contacts').some((c) => isDetractor(store, c)))
      .reduce((sum, d) => sum + Number(store.get('deals', d)!.properties.amount ?? 0), 0);
    account = { summary, revenueAtRisk: atRisk, dealsMayBeUnread: objectType === 'contact' };
  }
  return { contactScores, account, openFollowUps: openFollowUps(store, companyId, focus, objectType === 'company') };
}

/** Every data-ll-figure of the panel with its raw data-ll-value. */
async function readFigures(page: Page): Promise<Figures> {
  const frame = await panelFrame(page);
  return frame.evaluate(() => {
    const out: Record<string, string[]> = {};
    for (const el of document.querySelectorAll('[data-ll-figure]')) {
      const name = el.getAttribute('data-ll-figure') ?? '';
      (out[name] ??= []).push(el.getAttribute('data-ll-value') ?? '');
    }
    return out;
  });
}

function assertClose(actual: string | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, '', `${what}: expected no value`);
    return;
  }
  assert.ok(actual !== undefined && actual !== '', `${what}: the panel shows no value (expected ${expected})`);
  assert.ok(Math.abs(Number(actual) - expected) < 1e-6, `${what}: the panel shows ${actual}, the sandbox data gives ${expected}`);
}

function assertFigures(figures: Figures, expected: Expected, where: string): void {
  const shownScores = (figures['contact-latest-score'] ?? []).map(Number).sort((a, b) => a - b);
  assert.deepEqual(shownScores, [...expected.contactScores].sort((a, b) => a - b), `${where}: latest NPS of the record's contacts`);
  const shownSegments = [...(figures['contact-segment'] ?? [])].sort();
  assert.deepEqual(shownSegments, expected.contactScores.map((s) => segment(s)).sort(), `${where}: segments`);
  if (expected.account) {
    assertClose(figures['account-nps']?.[0], expected.account.summary.nps, `${where}: account NPS`);
    assertClose(figures['account-n']?.[0], expected.account.summary.n, `${where}: account responses`);
    const risk = figures['revenue-at-risk']?.[0];
    if (!(expected.account.dealsMayBeUnread && risk === '')) assertClose(risk, expected.account.revenueAtRisk, `${where}: revenue at risk`);
  } else {
    assert.equal(figures['account-nps'], undefined, `${where}: an account section without a company`);
  }
  assertClose(figures['open-followups']?.[0], expected.openFollowUps, `${where}: open follow-ups`);
}

async function openRecord(t: E2E, url: string, state = 'ready'): Promise<Page> {
  const page = await t.newPage();
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state, timeout: 30_000 });
  return page;
}

async function checkRecord(t: E2E, objectType: 'contact' | 'company' | 'deal' | 'ticket', id: string, state = 'ready'): Promise<Figures> {
  const url = hubspotRecordUrl(t.hubspot.portals.main, objectType, id);
  const page = await openRecord(t, url, state);
  const figures = await readFigures(page);
  t.log(`${objectType} ${id}: ${JSON.stringify(figures)}`);
  assertFigures(figures, expectedFor(portalOf(t), objectType, id), `${objectType} ${id}`);
  await t.screenshot(page, `hubspot-${objectType}-${id}`);
  return figures;
}

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
}

export async function contactPageShowsItsScores(t: E2E): Promise<void> {
  const figures = await checkRecord(t, 'contact', t.hubspot.sampleContactId);
  // The sample contact is documented as having answered NPS: the check above must not pass vacuously.
  assert.equal(figures['contact-latest-score']?.length, 1);
}

export async function companyPageShowsTheAccountRollup(t: E2E): Promise<void> {
  await checkRecord(t, 'company', t.hubspot.companyId);
}

export async function dealPageShowsItsContactsAndCompany(t: E2E): Promise<void> {
  await checkRecord(t, 'deal', t.hubspot.dealId);
}

export async function ticketPageShowsItsContactAndCompany(t: E2E): Promise<void> {
  await checkRecord(t, 'ticket', t.hubspot.ticketId);
}

export async function legacyContactUrlShowsTheSameScores(t: E2E): Promise<void> {
  const url = `https://app.hubspot.com/contacts/${t.hubspot.portals.main}/contact/${t.hubspot.sampleContactId}/`;
  const page = await openRecord(t, url);
  assert.equal((await waitForPanel(page, expectedRecord(url))).record, `hubspot|${t.hubspot.portals.main}|contact|${t.hubspot.sampleContactId}`);
  assertFigures(await readFigures(page), expectedFor(portalOf(t), 'contact', t.hubspot.sampleContactId), 'legacy contact URL');
}

export async function contactWithoutCompanyShowsOnlyTheContact(t: E2E): Promise<void> {
  const store = portalOf(t);
  const id = t.hubspot.contactWithoutCompanyId;
  assert.equal(primaryCompany(store, 'contacts', id), null, 'the fixture has a company');
  // This contact never answered a survey, so the panel says so ("empty") rather than "ready".
  assert.equal(store.associatedIds('contacts', id, 'feedback_submissions').length, 0, 'the fixture has answers');
  const figures = await checkRecord(t, 'contact', id, 'empty');
  assert.equal(figures['account-n'], undefined);
}

export async function bigCompanyShowsCountsFromHubSpot(t: E2E): Promise<void> {
  const members = portalOf(t).associatedIds('companies', t.hubspot.bigCompanyId, 'contacts');
  assert.equal(members.length, t.hubspot.bigCompanyContacts);
  const figures = await checkRecord(t, 'company', t.hubspot.bigCompanyId);
  // The roll-up covers far more contacts than the panel lists: it came from HubSpot's counts.
  assert.ok(Number(figures['account-n']?.[0]) > LARGE_ACCOUNT, `account-n ${figures['account-n']?.[0]}`);
  await checkRecord(t, 'contact', t.hubspot.bigCompanyContactId);
}

/** The 2,500-contact company's list: detractors first, chips with HubSpot's counts, a name search. */
export async function bigCompanyContactsSortFilterAndSearch(t: E2E): Promise<void> {
  const store = portalOf(t);
  const members = store.associatedIds('companies', t.hubspot.bigCompanyId, 'contacts');
  const counts = { total: members.length, detractors: 0, passives: 0, promoters: 0, none: 0 };
  for (const c of members) {
    const rating = store.get('contacts', c)!.properties.hs_feedback_last_nps_rating;
    if (rating === null || rating === undefined || !/^\d{1,2}$/.test(rating) || Number(rating) > 10) counts.none += 1;
    else counts[`${segment(Number(rating))}s`] += 1;
  }
  const contacts = members.map((c) => {
    const p = store.get('contacts', c)!.properties;
    const rating = p.hs_feedback_last_nps_rating;
    return { name: `${p.firstname ?? ''} ${p.lastname ?? ''}`.trim(), score: rating != null && /^\d{1,2}$/.test(rating) ? Number(rating) : null, surveyed: Date.parse(p.hs_feedback_last_survey_date ?? '') };
  });
  // The view reads the company's 100 most recently surveyed contacts: the one surveyed longest ago is not among them.
  const unread = contacts.filter((c) => Number.isFinite(c.surveyed)).sort((a, b) => a.surveyed - b.surveyed)[0]!;
  const page = await openRecord(t, hubspotRecordUrl(t.hubspot.portals.main, 'company', t.hubspot.bigCompanyId));
  await bigAccountContactsAreWorkable(t, page, counts, { crm: 'HubSpot', contacts, unread }, 'hubspot-big-company-contacts');
  publishScreenshot('hubspot-big-company-contacts', 'panel-big-account');
}

export async function revokedTokenIsExplainedInPlainWords(t: E2E): Promise<void> {
  // HubSpot answers 401 to every CRM call once an admin deletes the private app or rotates its token.
  t.sandbox.setFaults([{ match: '^(GET|POST|PATCH|PUT|DELETE) /(crm|account-info|oauth|owners)/', status: 401 }]);
  try {
    const page = await openRecord(t, hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.hardCommentsContactId), 'error');
    const text = await (await panelFrame(page)).locator('[data-ll-state]').innerText();
    t.log(`revoked: ${text}`);
    assert.match(text, /token|sign in|connect/i, `no plain-words explanation: ${text}`);
    assert.doesNotMatch(text, /INVALID_AUTHENTICATION|\b401\b|undefined|\[object/i, `raw error shown: ${text}`);
    await t.screenshot(page, 'hubspot-revoked-token');
    // Only a new key mends this, so the error leads to where it is entered.
    const [options] = await Promise.all([
      t.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/options.html'), timeout: 10_000 }),
      (await panelFrame(page)).getByRole('link', { name: 'Open settings' }).click({ timeout: 10_000 }),
    ]);
    await options.getByRole('heading', { name: 'Connections' }).first().waitFor();
    await options.close();
  } finally {
    t.sandbox.clearFaults();
  }
}

export async function wrongPortalNamesBothPortals(t: E2E): Promise<void> {
  const { main, eu } = t.hubspot.portals;
  const page = await openRecord(t, hubspotRecordUrl(eu, 'contact', t.hubspot.euContactId), 'error');
  const text = await (await panelFrame(page)).locator('[data-ll-state]').innerText();
  t.log(`wrong portal: ${text}`);
  assert.ok(text.includes(eu) && text.includes(main), `the message should name portals ${eu} and ${main}: ${text}`);
  await t.screenshot(page, 'hubspot-wrong-portal');
}
