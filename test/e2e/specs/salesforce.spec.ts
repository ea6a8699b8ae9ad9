import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { segment, summarize, type NpsSummary } from '../../../core/nps';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { objectDef } from '../../../sandbox/salesforce/schema';
import { seed } from '../../../sandbox/salesforce/seed';
import { Store, type Row } from '../../../sandbox/salesforce/store';
import { expectedRecord, openExtensionPage, panelFrame, salesforceRecordUrl, waitForPanel } from '../harness';
import type { E2E } from '../types';
import { bigAccountContactsAreWorkable } from '../contact-list';

// The Salesforce connector end to end. An admin connects the org on the options page: login host and
// consumer key, "Sign in with Salesforce", then "Log in and allow" on the org's authorize page, which
// chrome.identity.launchWebAuthFlow opens as a window (a page of the context here). PKCE and state
// are proven by the sandbox's request log and by tampering with the authorize form: a changed state
// or code challenge must make the sign-in fail. Then Lightning and Classic record pages show figures
// worked out here from the sandbox org's own rows (a fresh copy of its deterministic seed), with
// core/nps.ts — never copied from the extension. Settings are the defaults (Salesforce Surveys,
// latest answer per contact — a big account too, counted by Salesforce — and open opportunities as revenue).

const LISTED_CONTACTS = 200;
const AUTHORIZE = /^GET \/services\/oauth2\/authorize\?/;

// ── the org's data, read directly from a copy of the sandbox's seeded store ─────────────────────────────

interface Answer {
  contactId: string;
  score: number;
  at: number;
}

class Org {
  readonly store = new Store();
  private readonly byContact = new Map<string, Answer[]>();

  constructor() {
    seed(this.store);
    const table = (name: string) => this.store.table(objectDef(name)!);
    const questions = table('SurveyQuestion');
    const invitations = table('SurveyInvitation');
    const responses = table('SurveyResponse');
    for (const row of table('SurveyQuestionResponse').values()) {
      if (questions.get(String(row.QuestionId))?.QuestionType !== 'NPS') continue;
      const score = row.NumberValue;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 10) continue;
      const contactId = invitations.get(String(row.InvitationId))?.ContactId;
      const completed = responses.get(String(row.ResponseId))?.CompletionDateTime;
      if (typeof contactId !== 'string' || typeof completed !== 'string') continue;
      const list = this.byContact.get(contactId) ?? [];
      list.push({ contactId, score, at: Date.parse(completed.replace('+0000', 'Z')) });
      this.byContact.set(contactId, list);
    }
    for (const list of this.byContact.values()) list.sort((a, b) => b.at - a.at);
  }

  rows(name: string): Row[] {
    return [...this.store.table(objectDef(name)!).values()];
  }

  get(name: string, id: string): Row {
    const row = this.store.table(objectDef(name)!).get(id);
    if (!row) throw new Error(`No ${name} ${id} in the seed`);
    return row;
  }

  answers(contactId: string): Answer[] {
    return this.byContact.get(contactId) ?? [];
  }

  contactsOf(accountId: string): string[] {
    return this.rows('Contact')
      .filter((c) => c.AccountId === accountId)
      .map((c) => String(c.Id));
  }
}

let org: Org | null = null;
function theOrg(): Org {
  org ??= new Org();
  return org;
}

interface Expected {
  contactScores: number[];
  /** revenueAtRisk: the amount in one currency, or "185000 USD + 22000 EUR" (largest first) across several. */
  account: { summary: NpsSummary; revenueAtRisk: number | string } | null;
  openFollowUps: number;
}

function accountFigures(o: Org, accountId: string): NonNullable<Expected['account']> {
  const members = o.contactsOf(accountId);
  // Latest answer per contact, whatever the account's size (Salesforce counts a big one by the latest-NPS field).
  const summary = summarize(members.flatMap((c) => o.answers(c).slice(0, 1).map((a) => a.score)));
  // Revenue at risk: the open opportunities on which a detractor (latest answer 0–6) has a contact role, per currency.
  const detractor = (contactId: string) => {
    const latest = o.answers(contactId)[0];
    return latest !== undefined && segment(latest.score) === 'detractor';
  };
  const roles = o.rows('OpportunityContactRole');
  const sums = new Map<string, number>();
  for (const opp of o.rows('Opportunity').filter((r) => r.AccountId === accountId && r.IsClosed === false)) {
    if (!roles.some((r) => r.OpportunityId === opp.Id && detractor(String(r.ContactId)))) continue;
    const currency = String(opp.CurrencyIsoCode);
    sums.set(currency, (sums.get(currency) ?? 0) + Number(opp.Amount ?? 0));
  }
  const sorted = [...sums].sort((a, b) => b[1] - a[1]);
  const revenueAtRisk = sorted.length === 0 ? 0 : sorted.length === 1 ? sorted[0]![1] : sorted.map(([c, n]) => `${n} ${c}`).join(' + ');
  return { summary, revenueAtRisk };
}

/**
 * Open cases and open tasks by the rule (README): on a contact-like page the focus contacts' and the account's that
 * name no contact; on an account page every one of the account's.
 */
function openFollowUps(o: Org, focus: { contactIds: string[]; accountId: string | null } | { accountId: string }): number {
  const contactOf = (r: Row) => (typeof r.ContactId === 'string' ? r.ContactId : typeof r.WhoId === 'string' ? r.WhoId : null);
  const mine = (r: Row) => {
    if (!('contactIds' in focus)) return r.AccountId === focus.accountId;
    const contact = contactOf(r);
    return contact !== null ? focus.contactIds.includes(contact) : focus.accountId !== null && r.AccountId === focus.accountId;
  };
  const loop = (r: Row) => typeof r.Subject === 'string' && r.Subject.startsWith('Loyalty Lens');
  const cases = o.rows('Case').filter((r) => r.IsClosed === false && mine(r));
  const tasks = o.rows('Task').filter((r) => r.IsClosed === false && !loop(r) && mine(r));
  return cases.length + tasks.length;
}

function expectedContacts(o: Org, contactIds: string[], accountId: string | null): Expected {
  return {
    contactScores: contactIds.flatMap((c) => o.answers(c).slice(0, 1).map((a) => a.score)),
    account: accountId ? accountFigures(o, accountId) : null,
    openFollowUps: openFollowUps(o, { contactIds, accountId }),
  };
}

function expectedContact(o: Org, contactId: string): Expected {
  const accountId = o.get('Contact', contactId).AccountId;
  return expectedContacts(o, [contactId], typeof accountId === 'string' ? accountId : null);
}

function expectedAccount(o: Org, accountId: string): Expected {
  return { contactScores: [], account: accountFigures(o, accountId), openFollowUps: openFollowUps(o, { accountId }) };
}

// ── the panel ────────────────────────────────────────────────────────────────────────────────────────

type Figures = Record<string, string[]>;

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

function assertClose(actual: string | undefined, expected: number | string, what: string): void {
  assert.ok(actual !== undefined && actual !== '', `${what}: the panel shows no value (expected ${expected})`);
  if (typeof expected === 'string') return assert.equal(actual, expected, `${what}: the panel shows ${actual}, the org's data gives ${expected}`);
  assert.ok(Math.abs(Number(actual) - expected) < 1e-6, `${what}: the panel shows ${actual}, the org's data gives ${expected}`);
}

function assertFigures(figures: Figures, expected: Expected, where: string): void {
  assert.deepEqual((figures['contact-latest-score'] ?? []).map(Number), expected.contactScores, `${where}: latest NPS`);
  assert.deepEqual(figures['contact-segment'] ?? [], expected.contactScores.map((s) => segment(s)), `${where}: segment`);
  if (expected.account) {
    const { summary } = expected.account;
    if (summary.nps === null) assert.equal(figures['account-nps']?.[0], '', `${where}: account NPS`);
    else assertClose(figures['account-nps']?.[0], summary.nps, `${where}: account NPS`);
    assertClose(figures['account-n']?.[0], summary.n, `${where}: account responses`);
    assertClose(figures['revenue-at-risk']?.[0], expected.account.revenueAtRisk, `${where}: revenue at risk`);
  } else {
    assert.equal(figures['account-nps'], undefined, `${where}: an account section without an account`);
  }
  assertClose(figures['open-followups']?.[0], expected.openFollowUps, `${where}: open follow-ups`);
}

// ── signing in like an admin ─────────────────────────────────────────────────────────────────────────

/** Fills the options page's Salesforce card and clicks "Sign in with Salesforce"; returns the authorize page. */
async function startSignIn(t: E2E, options: Page): Promise<Page> {
  await options.getByLabel('Login host').fill(t.salesforce.hosts.login);
  await options.getByLabel('Connected app consumer key').fill(t.salesforce.consumerKey);
  const popup = t.context.waitForEvent('page', { predicate: (p) => p.url().includes('/services/oauth2/authorize'), timeout: 15_000 });
  await options.getByRole('button', { name: 'Sign in with Salesforce' }).click();
  const authorize = await popup;
  await authorize.getByRole('button', { name: 'Log in and allow' }).waitFor();
  return authorize;
}

/** Changes a hidden field of the authorize form, as an attacker's forged redirect or a swapped challenge would. */
async function tamper(authorize: Page, field: 'state' | 'code_challenge', value: string): Promise<void> {
  await authorize.evaluate(
    ([name, next]) => {
      const input = document.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (!input) throw new Error(`no ${name} on the authorize form`);
      input.value = next;
    },
    [field, value] as const,
  );
}

let signedIn: Promise<Page> | null = null;

/** The admin's sign-in through the options page, once per spec file (every record test needs it). */
function signIn(t: E2E): Promise<Page> {
  signedIn ??= (async () => {
    const options = await openExtensionPage(t.context, t.extensionId);
    const authorize = await startSignIn(t, options);
    await authorize.getByRole('button', { name: 'Log in and allow' }).click();
    // The org id appears only in the connection details, once the sign-in and its connection check are done
    // (the API host also appears in the login host's help text).
    await options.getByText(t.salesforce.orgId, { exact: false }).first().waitFor({ timeout: 20_000 });
    return options;
  })();
  return signedIn;
}

async function openRecord(t: E2E, url: string): Promise<Page> {
  await signIn(t);
  const page = await t.newPage();
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 30_000 });
  return page;
}

async function checkPage(t: E2E, url: string, expected: Expected, name: string): Promise<Figures> {
  const page = await openRecord(t, url);
  const figures = await readFigures(page);
  t.log(`${name}: ${JSON.stringify(figures)}`);
  assertFigures(figures, expected, name);
  await t.screenshot(page, name);
  return figures;
}

export async function adminSignsInThroughTheOptionsPageWithPkce(t: E2E): Promise<void> {
  t.sandbox.clearLog();
  const options = await signIn(t);
  // The options page names the org and the signed-in user.
  const card = options.locator('section', { has: options.getByRole('heading', { name: 'Salesforce' }) }).first();
  const text = await card.innerText();
  assert.ok(text.includes(t.salesforce.hosts.api), `no API host on the options page: ${text}`);
  assert.ok(text.includes(t.salesforce.orgId), `no org id on the options page: ${text}`);
  assert.match(text, /avery\.admin@acme\.example/, `no user on the options page: ${text}`);
  await t.screenshot(options, 'salesforce-options-connected', { fullPage: true });

  const log = t.sandbox.log();
  const authorize = log.find((r) => AUTHORIZE.test(`${r.method} ${r.path}`));
  if (!authorize) return assert.fail('the sandbox never saw the authorize page');
  const params = new URL(authorize.path, 'https://login.salesforce.com').searchParams;
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/, 'a SHA-256 challenge is 43 base64url characters');
  assert.ok((params.get('state') ?? '').length >= 16, 'a guessable state');
  assert.equal(params.get('client_id'), t.salesforce.consumerKey);
  // The sandbox checks SHA-256(code_verifier) against the challenge before issuing tokens (see
  // tamperedChallengeIsRefused for the failing side): a 200 here means the verifier matched.
  const token = log.find((r) => r.method === 'POST' && r.path.startsWith('/services/oauth2/token'));
  assert.equal(token?.status, 200, 'the token exchange failed');
}

export async function tamperedStateIsRefused(t: E2E): Promise<void> {
  await signIn(t);
  const options = await openExtensionPage(t.context, t.extensionId);
  const authorize = await startSignIn(t, options);
  await tamper(authorize, 'state', 'forged-state-from-another-tab-0000');
  t.sandbox.clearLog();
  await authorize.getByRole('button', { name: 'Log in and allow' }).click();
  const alert = options.getByRole('alert').first();
  await alert.waitFor({ timeout: 20_000 });
  t.log(`tampered state: ${await alert.innerText()}`);
  // The extension stops at the state check: the code is never exchanged.
  assert.equal(t.sandbox.log().filter((r) => r.path.startsWith('/services/oauth2/token')).length, 0, 'the code was exchanged despite a wrong state');
}

export async function tamperedChallengeIsRefused(t: E2E): Promise<void> {
  await signIn(t);
  const options = await openExtensionPage(t.context, t.extensionId);
  const authorize = await startSignIn(t, options);
  // A valid-looking challenge of some other verifier: the extension's verifier cannot match it.
  await tamper(authorize, 'code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  t.sandbox.clearLog();
  await authorize.getByRole('button', { name: 'Log in and allow' }).click();
  const alert = options.getByRole('alert').first();
  await alert.waitFor({ timeout: 20_000 });
  t.log(`tampered challenge: ${await alert.innerText()}`);
  const token = t.sandbox.log().find((r) => r.path.startsWith('/services/oauth2/token'));
  assert.equal(token?.status, 400, 'the sandbox accepted a verifier that does not match the challenge');
}

export async function lightningContactShowsItsScores(t: E2E): Promise<void> {
  const id = t.salesforce.sampleContactId;
  const figures = await checkPage(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', id), expectedContact(theOrg(), id), 'salesforce-contact');
  assert.equal(figures['contact-latest-score']?.length, 1, 'the sample contact answered NPS');
}

export async function lightningAccountShowsTheRollup(t: E2E): Promise<void> {
  const id = t.salesforce.sampleAccountId;
  await checkPage(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Account', id), expectedAccount(theOrg(), id), 'salesforce-account');
}

export async function lightningOpportunityShowsItsAccount(t: E2E): Promise<void> {
  const o = theOrg();
  const id = t.salesforce.opportunityId;
  const accountId = String(o.get('Opportunity', id).AccountId);
  // An opportunity page is about the contacts with a role on it.
  const contactIds = o.rows('OpportunityContactRole').filter((r) => r.OpportunityId === id).map((r) => String(r.ContactId));
  await checkPage(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Opportunity', id), expectedContacts(o, contactIds, accountId), 'salesforce-opportunity');
}

export async function lightningCaseShowsItsContact(t: E2E): Promise<void> {
  const o = theOrg();
  const id = t.salesforce.caseId;
  const kase = o.get('Case', id);
  await checkPage(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Case', id), expectedContacts(o, [String(kase.ContactId)], String(kase.AccountId)), 'salesforce-case');
}

export async function classicContactPageShowsTheSameScores(t: E2E): Promise<void> {
  const id = t.salesforce.sampleContactId;
  await checkPage(t, `https://${t.salesforce.hosts.api}/${id}`, expectedContact(theOrg(), id), 'salesforce-classic-contact');
}

export async function bigAccountIsCountedBySalesforce(t: E2E): Promise<void> {
  const o = theOrg();
  const id = t.salesforce.bigAccountId;
  assert.equal(o.contactsOf(id).length, 2500);
  const figures = await checkPage(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Account', id), expectedAccount(o, id), 'salesforce-big-account');
  assert.ok(Number(figures['account-n']?.[0]) > LISTED_CONTACTS, `account-n ${figures['account-n']?.[0]}`);
}

/** The 2,500-contact account's list: detractors first, chips with Salesforce's counts, a name search. */
export async function bigAccountContactsSortFilterAndSearch(t: E2E): Promise<void> {
  const o = theOrg();
  const members = o.contactsOf(t.salesforce.bigAccountId);
  const counts = { total: members.length, detractors: 0, passives: 0, promoters: 0, none: 0 };
  for (const c of members) {
    const latest = o.answers(c)[0];
    if (latest) counts[`${segment(latest.score)}s`] += 1;
    else counts.none += 1;
  }
  const contacts = members.map((id) => {
    const row = o.get('Contact', id);
    return { name: String(row.Name), score: typeof row.Loyalty_Lens_Last_NPS__c === 'number' ? row.Loyalty_Lens_Last_NPS__c : null };
  });
  // The view reads the account's first 200 contacts by name: the last name in that order is not among them.
  const unread = [...contacts].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)).at(-1)!;
  const page = await openRecord(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Account', t.salesforce.bigAccountId));
  await bigAccountContactsAreWorkable(t, page, counts, { crm: 'Salesforce', contacts, unread }, 'salesforce-big-account-contacts');
}

/**
 * An unhappy answer gets its follow-up Case from the panel: one Case in the org, listed among the follow-ups with
 * its response, and that answer offers no second one. A contact of an account no other test here looks at, since
 * the Case changes its follow-ups.
 */
export async function followUpCaseOpenedFromTheContactPanel(t: E2E): Promise<void> {
  const o = theOrg();
  const seen = new Set([t.salesforce.sampleAccountId, t.salesforce.bigAccountId, t.salesforce.personAccountId]);
  const contact = o
    .rows('Contact')
    .find((c) => typeof c.AccountId === 'string' && !seen.has(c.AccountId) && (o.answers(String(c.Id))[0]?.score ?? Infinity) <= DEFAULT_SETTINGS.rules.followUpMaxScore);
  assert.ok(contact, 'the org has another contact whose latest answer is unhappy');
  const created = () => t.sandbox.stats().salesforce?.casesCreated ?? 0;
  const before = created();
  const page = await openRecord(t, salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', String(contact.Id)));
  const frame = await panelFrame(page);
  const buttons = frame.getByRole('button', { name: 'Open a follow-up in Salesforce' });
  const offered = await buttons.count();
  assert.ok(offered > 0, 'an unhappy answer without a Case offers one');
  // As a person would, look before clicking: the panel acts at once only after 500 ms in steady view.
  await new Promise((done) => setTimeout(done, 800));
  await buttons.first().click();
  // The Case is listed once Salesforce has it; its subject carries the answer's id for exactly-once creates, and
  // people see the Case's number and words only.
  const listedCase = async () => (await frame.locator('section.follow-ups li').allInnerTexts()).find((text) => /\d{8} · Follow up: NPS \d+ of 10/.test(text));
  const shownBy = Date.now() + 20_000;
  while (created() === before || !(await listedCase())) {
    assert.ok(Date.now() < shownBy, 'the new Case is not listed');
    await new Promise((done) => setTimeout(done, 100));
  }
  assert.equal(created() - before, 1, 'one Case created');
  assert.doesNotMatch((await listedCase())!, /\[/, 'the answer id shows in the Case title');
  const deadline = Date.now() + 10_000;
  while ((await buttons.count()) !== offered - 1) {
    assert.ok(Date.now() < deadline, 'the answer that got its Case still offers one');
    await new Promise((done) => setTimeout(done, 100));
  }
  await page.close();
}
