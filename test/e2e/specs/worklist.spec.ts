import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { pairRecovery, type AnswerFact, type ClosedLoop, type RecoveryCount } from '../../../core/loop-metrics';
import type { Settings } from '../../../core/settings';
import type { SalesforceSandbox } from '../../../sandbox/salesforce/index';
import { LOOP_OWNERS } from '../../../sandbox/hubspot/loop-owners';
import { expectAccessible } from '../axe';
import { changeStoredSettings, connectHubSpot, connectSalesforce, expectedRecord, hubspotRecordUrl, openExtensionPage, panelFrame, waitForPanel } from '../harness';
import type { E2E } from '../types';

// "My open loops" in the production build: both CRMs in one list, most urgent first; who "me" is in HubSpot; an
// outcome logged from the list (one CRM record, the loop leaves the list); a reassignment; opening a record; the
// overdue count on the toolbar icon. The seed (sandbox/*/loop-owners.ts) gives Nora Quist four HubSpot loops and the
// signed-in Salesforce user three; the tickets and Cases are long past their 48-hour SLA, the two tasks due in 2027.

/** Nora's and the Salesforce user's loops in the order the list ranks them (0–3 by due time, 4–6, then the rest). */
const RANKED = ['Greta Lind', 'Olga Petrova', 'Luis Ortega', 'Marco Bianchi', 'Ben Carter', 'Ines Duarte', 'Hana Sato'];

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
}

async function until<T>(what: string, check: () => Promise<T | null | false>, timeout = 20_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== null && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Loops closed in the last 30 and 90 days, Nora's plus the Salesforce user's and everyone's, counted in the sandbox's stores. */
function closedLoops(t: E2E, now: number): Record<string, number> {
  const org = t.sandbox.salesforce as SalesforceSandbox;
  const tickets = t.sandbox.hubspot.records('tickets').filter((r) => r.properties.hs_pipeline === '0' && r.properties.hs_pipeline_stage === '4' && r.properties.closed_date);
  const cases = org.records('Case').filter((r) => r.IsClosed === true && typeof r.ClosedDate === 'string');
  const counts: Record<string, number> = {};
  for (const days of [30, 90]) {
    const since = now - days * 86_400_000;
    const hs = tickets.filter((r) => Date.parse(r.properties.closed_date!) >= since);
    const sf = cases.filter((r) => Date.parse(r.ClosedDate as string) >= since);
    counts[`me-${days}`] = hs.filter((r) => r.properties.hubspot_owner_id === LOOP_OWNERS.nora.id).length + sf.filter((r) => r.OwnerId === t.salesforce.userId).length;
    counts[`team-${days}`] = hs.length + sf.length;
  }
  return counts;
}

/**
 * The shares the loop's numbers show, "count of n", from the timing the outcomes recorded on the closed follow-ups in
 * the sandbox's stores (a follow-up without the field is not recorded), and each CRM's n of hours to first contact.
 */
function loopShares(t: E2E, now: number): Record<string, { withinSla: string; thanked: string; firstContact: string[] }> {
  const org = t.sandbox.salesforce as SalesforceSandbox;
  const tickets = t.sandbox.hubspot.records('tickets').filter((r) => r.properties.hs_pipeline === '0' && r.properties.hs_pipeline_stage === '4' && r.properties.closed_date);
  const cases = org.records('Case').filter((r) => r.IsClosed === true && typeof r.ClosedDate === 'string');
  const out: Record<string, { withinSla: string; thanked: string; firstContact: string[] }> = {};
  for (const days of [30, 90]) {
    const since = now - days * 86_400_000;
    for (const scope of ['me', 'team'] as const) {
      const hs = tickets.filter((r) => Date.parse(r.properties.closed_date!) >= since && (scope === 'team' || r.properties.hubspot_owner_id === LOOP_OWNERS.nora.id)).map((r) => r.properties);
      const sf = cases.filter((r) => Date.parse(r.ClosedDate as string) >= since && (scope === 'team' || r.OwnerId === t.salesforce.userId));
      const slaN = hs.filter((p) => p.loyalty_lens_sla).length + sf.filter((r) => r.Loyalty_Lens_SLA__c).length;
      const within = hs.filter((p) => p.loyalty_lens_sla === 'within').length + sf.filter((r) => r.Loyalty_Lens_SLA__c === 'within').length;
      const recorded = hs.filter((p) => p.loyalty_lens_first_contact_at).length + sf.filter((r) => r.Loyalty_Lens_First_Contact__c).length;
      const thanked =
        hs.filter((p) => p.loyalty_lens_first_contact_at && (p.loyalty_lens_loop_steps ?? '').split(';').includes('thanked')).length +
        sf.filter((r) => r.Loyalty_Lens_First_Contact__c && String(r.Loyalty_Lens_Loop_Steps__c ?? '').split(';').includes('thanked')).length;
      out[`${scope}-${days}`] = {
        withinSla: slaN > 0 ? `${within} of ${slaN}` : 'none recorded yet',
        thanked: recorded > 0 ? `${thanked} of ${recorded}` : 'none recorded yet',
        firstContact: [hs.filter((p) => p.loyalty_lens_first_contact_hours).length, sf.filter((r) => typeof r.Loyalty_Lens_First_Contact_Hours__c === 'number').length].map((n) => (n > 0 ? `n = ${n}` : 'none recorded yet')),
      };
    }
  }
  return out;
}

/**
 * Recovery as the page should show it, paired from the sandbox's stores: each CRM's closed follow-ups in the window
 * with their contacts, and those contacts' NPS answers (HubSpot feedback, Salesforce Surveys); "count of n who answered
 * again" summed over both CRMs, and those not answered again yet.
 */
function recoveryShown(t: E2E, now: number): Record<string, { text: string; notAnsweredAgain: number }> {
  const org = t.sandbox.salesforce as SalesforceSandbox;
  const portal = t.sandbox.hubspot.portal();
  const hsAnswers: AnswerFact[] = t.sandbox.hubspot
    .records('feedback_submissions')
    .filter((f) => f.properties.hs_survey_type === 'NPS' && /^\d+$/.test(f.properties.hs_value ?? ''))
    .map((f) => ({ contactKey: f.properties.hs_contact_id!, score: Number(f.properties.hs_value), submittedAt: Date.parse(f.properties.hs_submission_timestamp!) }));
  const invitations = new Map(org.records('SurveyInvitation').map((i) => [i.Id as string, i.ContactId as string | null]));
  const completed = new Map(org.records('SurveyResponse').map((r) => [r.Id as string, r.CompletionDateTime as string]));
  const npsQuestions = new Set(org.records('SurveyQuestion').filter((q) => q.QuestionType === 'NPS').map((q) => q.Id as string));
  const sfAnswers: AnswerFact[] = org
    .records('SurveyQuestionResponse')
    .filter((r) => npsQuestions.has(r.QuestionId as string) && typeof r.NumberValue === 'number' && invitations.get(r.InvitationId as string))
    .map((r) => ({ contactKey: invitations.get(r.InvitationId as string)!, score: r.NumberValue as number, submittedAt: Date.parse(completed.get(r.ResponseId as string)!) }));
  const out: Record<string, { text: string; notAnsweredAgain: number }> = {};
  for (const days of [30, 90]) {
    const since = now - days * 86_400_000;
    for (const scope of ['me', 'team'] as const) {
      const hsLoops: ClosedLoop[] = t.sandbox.hubspot
        .records('tickets')
        .filter((r) => r.properties.hs_pipeline === '0' && r.properties.hs_pipeline_stage === '4' && r.properties.closed_date && Date.parse(r.properties.closed_date) >= since)
        .filter((r) => scope === 'team' || r.properties.hubspot_owner_id === LOOP_OWNERS.nora.id)
        .map((r) => ({ id: r.id, ownerId: null, contactKey: portal.associations('tickets', r.id, 'contacts')[0]?.toId ?? null, openedAt: Date.parse(r.properties.createdate!), closedAt: Date.parse(r.properties.closed_date!) }));
      const sfLoops: ClosedLoop[] = org
        .records('Case')
        .filter((r) => r.IsClosed === true && typeof r.ClosedDate === 'string' && Date.parse(r.ClosedDate) >= since && (scope === 'team' || r.OwnerId === t.salesforce.userId))
        .map((r) => ({ id: r.Id as string, ownerId: null, contactKey: (r.ContactId as string | null) ?? null, openedAt: Date.parse(r.CreatedDate as string), closedAt: Date.parse(r.ClosedDate as string) }));
      const sum = (a: RecoveryCount, b: RecoveryCount): RecoveryCount => ({ recovered: a.recovered + b.recovered, n: a.n + b.n, notAnsweredAgain: a.notAnsweredAgain + b.notAnsweredAgain });
      const r = sum(pairRecovery(hsLoops, hsAnswers), pairRecovery(sfLoops, sfAnswers));
      out[`${scope}-${days}`] = { text: r.n > 0 ? `${r.recovered} of ${r.n} who answered again` : 'no detractor has answered again yet', notAnsweredAgain: r.notAnsweredAgain };
    }
  }
  return out;
}

/** The customers of the listed loops, top to bottom. */
async function listed(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => [...document.querySelectorAll('[data-ll-loop] .loop-who')].map((h) => (h.firstChild?.textContent ?? '').trim()));
}

async function worklistState(frame: Frame): Promise<string | null> {
  return frame.evaluate(() => document.querySelector('[data-ll-worklist]')?.getAttribute('data-ll-worklist') ?? null);
}

async function badge(t: E2E): Promise<string> {
  return t.serviceWorker.evaluate(async () => {
    const { chrome } = globalThis as unknown as { chrome: { action: { getBadgeText(details: object): Promise<string> } } };
    return chrome.action.getBadgeText({});
  });
}

/** The panel page in a tab of its own, as the side panel shows it beside a page that is not a record: the worklist. */
async function openWorklist(t: E2E): Promise<{ page: Page; frame: Frame }> {
  const page = await openExtensionPage(t.context, t.extensionId, 'panel.html');
  const frame = page.mainFrame();
  await until('the worklist', async () => (await worklistState(frame)) !== null && (await worklistState(frame)) !== 'loading');
  return { page, frame };
}

async function loop(frame: Frame, customer: string) {
  return frame.locator('[data-ll-loop]').filter({ has: frame.locator('.loop-who', { hasText: customer }) });
}

function changeSettings(t: E2E, change: (settings: Settings) => Settings): Promise<void> {
  return changeStoredSettings(t.context, t.extensionId, change);
}

export async function choosesWhoIAmInHubSpotAndListsBothCrms(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  // Salesforce knows who is signed in; HubSpot asks once.
  await until('the Salesforce loops', async () => (await listed(frame)).length === 3);
  assert.deepEqual(await listed(frame), ['Greta Lind', 'Marco Bianchi', 'Ines Duarte']);
  await frame.getByRole('button', { name: 'Who are you in HubSpot?' }).click();
  await frame.getByLabel('Your work email').fill(LOOP_OWNERS.nora.email);
  const suggested = frame.getByRole('group', { name: 'Suggested from your email' });
  await suggested.getByRole('button', { name: /Nora Quist/ }).click();
  await until('both CRMs’ loops', async () => (await listed(frame)).length === RANKED.length);
  assert.deepEqual(await listed(frame), RANKED);
  await frame.getByText('You are Nora Quist in HubSpot').waitFor();
  const counts = await frame.locator('.worklist-counts').textContent();
  assert.equal(counts?.trim(), '7 open loops · 5 overdue');
  // The first loop says how unhappy, why, and how late.
  const first = await loop(frame, 'Greta Lind');
  assert.match((await first.textContent()) ?? '', /Most unhappy \(0–3\).*NPS 1.*Nordlicht Logistics.*Deliveries were late every week in October\..*Overdue \d+ days · due Oct 30/);
  // The money behind the account in its currency: Nordlicht's open pipeline, SUM(Amount) in the org's corporate USD.
  assert.match((await first.locator('.loop-account').textContent()) ?? '', /^ · Nordlicht Logistics · \$120,000$/);
  // Five loops are past due: the tickets and Cases (48 h after answers in late October).
  await until('the badge', async () => (await badge(t)) === '5');
  // The loop's numbers at the top: loops closed, Nora's and the Salesforce user's, and the team's, as the CRMs hold them.
  const expected = closedLoops(t, Date.now());
  for (const [cell, count] of Object.entries(expected)) {
    await until(`closed loops ${cell} = ${count}`, async () => (await frame.locator(`[data-ll-closed="${cell}"]`).textContent())?.replace(/\D/g, '') === String(count));
  }
  // Within the SLA and thanked, each "count of n" over the loops whose outcome recorded it; the median per CRM with its n.
  for (const [cell, share] of Object.entries(loopShares(t, Date.now()))) {
    const shown = async (metric: string) => (await frame.locator(`[data-ll-metric="${metric}"][data-ll-cell="${cell}"]`).textContent()) ?? '';
    await until(`within the SLA ${cell}`, async () => (await shown('within-sla')).includes(share.withinSla));
    assert.ok((await shown('thanked')).includes(share.thanked), `thanked ${cell}: ${await shown('thanked')} has ${share.thanked}`);
    for (const n of share.firstContact) assert.ok((await shown('first-contact')).includes(n), `first contact ${cell}: ${await shown('first-contact')} has ${n}`);
  }
  await frame.getByText('Counted by HubSpot, Salesforce: the follow-up tickets and Cases closed in each period; each share is of those whose outcome recorded it.').waitFor();
  // Recovery: the detractor loops whose customer answered again and those not answered again yet, as paired from the stores.
  for (const [cell, expected] of Object.entries(recoveryShown(t, Date.now()))) {
    const shown = (await frame.locator(`[data-ll-metric="recovery"][data-ll-cell="${cell}"]`).textContent()) ?? '';
    assert.ok(shown.includes(expected.text), `recovery ${cell}: ${shown} has ${expected.text}`);
    if (expected.notAnsweredAgain > 0) assert.ok(shown.includes(`${expected.notAnsweredAgain} not answered again yet`), `recovery ${cell}: ${shown}`);
    else assert.ok(!shown.includes('not answered again yet'), `recovery ${cell}: ${shown}`);
  }
  await frame.getByText(/^Recovered: detractors \(0–6\) whose answer a closed follow-up followed up/).waitFor();
  assert.equal(await frame.getByText(/Recovery is not counted/).count(), 0);
  await expectAccessible(frame, 'worklist');
  for (const language of ['ru', 'en'] as const) {
    await changeSettings(t, (s) => ({ ...s, ui: { ...s.ui, language } }));
    await until(`the worklist in ${language}`, async () => (await frame.evaluate(() => document.documentElement.lang)) === language && (await listed(frame)).length === RANKED.length);
    // The loop's numbers are counted again for the new words: the pictures show them, not "Counting…".
    await frame.locator('[data-ll-loop-numbers]').waitFor({ timeout: 30_000 });
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(frame, `worklist ${language} ${scheme}`);
      await t.screenshot(page, `worklist-${language}-${scheme}`, { fullPage: true });
    }
  }
  await page.close();
}

export async function logsAnOutcomeFromTheListOnceAndTheLoopLeaves(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  await until('the list', async () => (await listed(frame)).length === RANKED.length);
  const org = t.sandbox.salesforce as SalesforceSandbox;
  const tasksBefore = org.stats().tasksCreated!;
  const notesBefore = t.sandbox.hubspot.records('notes').filter((n) => n.properties.loyalty_lens_key).length;

  const fillOutcome = async (row: Awaited<ReturnType<typeof loop>>, customer: string) => {
    await row.getByRole('button', { name: 'Log outcome' }).click();
    const form = row.locator('form.outcome-form');
    // The form chooses nothing for the person: no outcome, no closing, no thanks until they are picked.
    assert.equal(await form.getByLabel('Reached and resolved').isChecked(), false);
    assert.equal(await form.getByLabel(/Close the follow-up/).isChecked(), false);
    await form.getByLabel('Reached and resolved').check();
    await form.getByLabel(/Close the follow-up/).check();
    await form.getByLabel('Thanked and told what we heard').check();
    await form.getByLabel('What was heard and done').fill(`Called ${customer}; the cause is fixed.`);
    await form.getByRole('button', { name: /Save to/ }).click();
  };

  // Held for Undo, as in the record's panel: undone, nothing reaches the CRM and the loop stays.
  const greta = await loop(frame, 'Greta Lind');
  await fillOutcome(greta, 'Greta Lind');
  await greta.getByRole('button', { name: 'Undo' }).click();
  await greta.getByText('Undone: nothing was written to Salesforce.').waitFor();
  await new Promise((done) => setTimeout(done, 6_000));
  assert.equal(org.stats().tasksCreated, tasksBefore);
  assert.equal((await listed(frame)).length, RANKED.length);

  for (const [customer, crm, remaining] of [
    ['Greta Lind', 'Salesforce', 6],
    ['Olga Petrova', 'HubSpot', 5],
  ] as const) {
    const row = await loop(frame, customer);
    await fillOutcome(row, customer);
    // The loop stays while its outcome can still be undone, then leaves once it is on its way.
    await row.getByText(`Saved here. It goes to ${crm} in a few seconds.`).waitFor();
    await until(`${customer}'s loop to leave the list`, async () => !(await listed(frame)).includes(customer) && (await listed(frame)).length === remaining);
  }
  // Exactly one CRM record each, and the follow-ups closed there.
  await until('the outcome Task', async () => org.stats().tasksCreated === tasksBefore + 1);
  await until('the outcome note', async () => t.sandbox.hubspot.records('notes').filter((n) => n.properties.loyalty_lens_key).length === notesBefore + 1);
  await until('the badge to count three overdue', async () => (await badge(t)) === '3', 30_000);
  // A fresh read from both CRMs agrees: the closed loops are gone there too.
  await frame.getByRole('button', { name: 'Refresh' }).click();
  await until('the refreshed list', async () => (await frame.locator('.worklist .freshness').textContent())?.startsWith('Updated') ?? false);
  assert.deepEqual(await listed(frame), ['Luis Ortega', 'Marco Bianchi', 'Ben Carter', 'Ines Duarte', 'Hana Sato']);
  assert.equal(org.stats().tasksCreated, tasksBefore + 1);
  await page.close();
}

export async function reassignsToTheRelationshipOwnerFirst(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  await until('the list', async () => (await listed(frame)).includes('Marco Bianchi'));
  const row = await loop(frame, 'Marco Bianchi');
  await row.getByRole('button', { name: 'Reassign' }).click();
  const select = row.getByLabel('Reassign to');
  await until('the owners', async () => (await select.locator('option').count()) > 2);
  // The routing rule's suggestion (whoever owns the account) is offered first, and chosen already.
  const options = await select.locator('option').allTextContents();
  assert.match(options[1] ?? '', /\(owns the relationship\)$/);
  assert.notEqual(await select.inputValue(), '');
  const chosen = await select.inputValue();
  await row.getByRole('button', { name: 'Reassign', exact: true }).last().click();
  await until('Marco to leave the list', async () => !(await listed(frame)).includes('Marco Bianchi'));
  await frame.getByText(/^Reassigned to /).waitFor();
  await until('the badge', async () => (await badge(t)) === '2');
  const org = t.sandbox.salesforce as SalesforceSandbox;
  assert.ok(org.stats().casesUpdated! >= 1);
  assert.ok(chosen.length >= 15);
  await page.close();
}

export async function opensARecordInANewTabAndFromThePanelHeader(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  await until('the list', async () => (await listed(frame)).includes('Luis Ortega'));
  const row = await loop(frame, 'Luis Ortega');
  const opened = t.context.waitForEvent('page');
  await row.getByRole('button', { name: 'New tab' }).click();
  const tab = await opened;
  const luis = t.sandbox.hubspot.find('contacts', 'email', 'luis.ortega@example.com')[0]!;
  await tab.waitForURL(hubspotRecordUrl(t.hubspot.portals.main, 'contact', luis.id));
  await waitForPanel(tab, expectedRecord(tab.url()), { state: 'ready', timeout: 20_000 });
  await page.close();

  // From a record's panel: one click to the list, one to open a loop's record in the same tab.
  const contact = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  await tab.goto(contact);
  await waitForPanel(tab, expectedRecord(contact), { state: 'ready', timeout: 20_000 });
  const inPage = await panelFrame(tab);
  await inPage.getByRole('button', { name: 'My open loops' }).click();
  await until('the list in the panel', async () => (await listed(await panelFrame(tab))).includes('Ben Carter'));
  await (await loop(await panelFrame(tab), 'Ben Carter')).getByRole('button', { name: 'Open', exact: true }).click();
  const ben = t.sandbox.hubspot.find('contacts', 'email', 'ben.carter@example.com')[0]!;
  await tab.waitForURL(hubspotRecordUrl(t.hubspot.portals.main, 'contact', ben.id));
  await waitForPanel(tab, expectedRecord(tab.url()), { state: 'ready', timeout: 20_000 });
  await tab.close();
}

export async function oneCrmFailingWhileTheOtherWorks(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  await until('the list', async () => (await listed(frame)).length > 0);
  t.sandbox.setFaults([{ match: '^POST /crm/v3/objects/(tickets|tasks)/search$', status: 503 }]);
  try {
    await frame.getByRole('button', { name: 'Refresh' }).click();
    const notice = frame.locator('.notice-offline');
    await notice.waitFor({ timeout: 30_000 });
    assert.match((await notice.textContent()) ?? '', /^HubSpot cannot be reached right now\. Showing saved loops from /);
    // HubSpot's saved loops stay beside Salesforce's fresh ones.
    assert.ok((await listed(frame)).includes('Hana Sato'));
    assert.ok((await listed(frame)).includes('Ines Duarte'));
    await expectAccessible(frame, 'worklist, HubSpot offline');
    await t.screenshot(page, 'worklist-hubspot-offline', { fullPage: true });
  } finally {
    t.sandbox.clearFaults();
  }
  await page.close();
}

export async function theTeamViewCountsEveryOwner(t: E2E): Promise<void> {
  const { page, frame } = await openWorklist(t);
  await frame.getByRole('button', { name: 'Team' }).click();
  const table = frame.locator('.team-table');
  await table.waitFor({ timeout: 30_000 });
  const victor = table.locator('tr', { hasText: 'Victor Hale' });
  assert.equal((await victor.locator('td').first().textContent())?.replace(/\s/g, ''), '500');
  await victor.getByRole('button').click();
  await until('Victor’s loops', async () => (await listed(frame)).length === 100);
  await expectAccessible(frame, 'worklist, team');
  await t.screenshot(page, 'worklist-team', { fullPage: true });
  await page.close();
}

export async function nothingWaitingAndNotConnected(t: E2E): Promise<void> {
  const { page } = await openWorklist(t);
  // Sign both CRMs out: the list and the badge say so.
  for (const crm of ['hubspot', 'salesforce'] as const) {
    const reply = await page.evaluate(async (request) => {
      const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<{ ok: boolean }> } } };
      return chrome.runtime.sendMessage(request);
    }, { type: 'connector.signOut', crm, queued: 'discard' });
    assert.ok(reply.ok);
  }
  await page.reload();
  await until('the not-connected state', async () => (await worklistState(page.mainFrame())) === 'not-connected');
  await page.getByText('Connect HubSpot or Salesforce to see your open loops.').waitFor();
  await until('no badge', async () => (await badge(t)) === '');
  await expectAccessible(page.mainFrame(), 'worklist, not connected');
  await t.screenshot(page, 'worklist-not-connected');
  // Reconnected as someone who owns no loops: "every loop is closed".
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
  await page.reload();
  await until('who-am-I', async () => (await worklistState(page.mainFrame())) === 'choose-me');
  await page.getByLabel('Search owners').fill('Elena');
  await page.getByRole('group', { name: 'Owners' }).getByRole('button', { name: /Elena Vos/ }).click();
  await until('the empty state', async () => (await worklistState(page.mainFrame())) === 'empty');
  await page.getByText('Nothing waiting — every loop is closed').waitFor();
  await until('no badge', async () => (await badge(t)) === '');
  await expectAccessible(page.mainFrame(), 'worklist, nothing waiting');
  await t.screenshot(page, 'worklist-empty');
  // Back as before for the other tests: Salesforce signed in, Nora in HubSpot.
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  await page.getByRole('button', { name: 'Change' }).click();
  await page.getByLabel('Search owners').fill('Nora');
  await page.getByRole('group', { name: 'Owners' }).getByRole('button', { name: /Nora Quist/ }).click();
  await until('Nora’s list again', async () => (await listed(page.mainFrame())).includes('Luis Ortega') && (await listed(page.mainFrame())).includes('Marco Bianchi'));
  await page.close();
}
