import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { SalesforceSandbox } from '../../../sandbox/salesforce/index';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { launchWithExtension } from '../../../scripts/chromium';
import {
  connectSalesforce,
  CHROME_BUILD_DIR,
  connectHubSpot,
  expectedRecord,
  hubspotRecordUrl,
  openExtensionPage,
  panelFrame,
  publishScreenshot,
  rememberPanelOpen,
  salesforceRecordUrl,
  screenshotPanel,
  sendFromExtensionPage,
  waitForPanel,
} from '../harness';
import type { E2E } from '../types';

// Closing the loop, exactly once: an outcome logged in the panel reaches the CRM as ONE note (HubSpot) or
// Task (Salesforce) whatever the network, the rate limit, the token, the service worker or the browser do,
// and the panel ends showing "saved". Counts are read from the sandbox CRM itself.

const NOTES_UPSERT = '^POST /crm/v3/objects/notes/batch/upsert$';
const TICKETS_UPSERT = '^POST /crm/v3/objects/tickets/batch/upsert$';
/** HubSpot as a whole: reads (search is a POST too) and writes. */
const ALL_OF_HUBSPOT = '^[A-Z]+ /(crm|account-info|oauth|integrations)/';
const ANY_TASK_WRITE = '^(POST|PATCH) /services/data/v[0-9.]+/composite/sobjects';

export async function beforeAll(t: E2E): Promise<void> {
  await connectHubSpot(t.context, t.extensionId, t.hubspot.tokens.main);
}

/** A HubSpot contact page of the main portal with the panel ready. */
async function openHubSpotContact(t: E2E, contactId: string, page?: Page): Promise<{ page: Page; frame: Frame }> {
  const tab = page ?? (await t.newPage());
  const url = hubspotRecordUrl(t.hubspot.portals.main, 'contact', contactId);
  await tab.goto(url);
  await waitForPanel(tab, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  return { page: tab, frame: await panelFrame(tab) };
}

async function outcomeKeys(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => [...document.querySelectorAll('[data-ll-outcome-key]')].map((li) => li.getAttribute('data-ll-outcome-key') ?? ''));
}

/**
 * Logs an outcome the way a loop owner does, from the keyboard: "Log outcome", the result group has focus
 * (nothing is chosen; Space picks the focused result, arrow keys move), the note, type, Ctrl+Enter saves.
 * Returns the idempotency key of the row that appeared.
 */
async function logOutcome(frame: Frame, note: string): Promise<string> {
  const before = new Set(await outcomeKeys(frame));
  const open = frame.getByRole('button', { name: 'Log outcome' }).first();
  await open.focus();
  await open.press('Enter');
  const form = frame.locator('form.outcome-form');
  await form.waitFor();
  await form.getByRole('radio').first().press('Space');
  const noteField = form.getByLabel('What was heard and done');
  await noteField.focus();
  await noteField.pressSequentially(note, { delay: 0 });
  await noteField.press('Control+Enter');
  await form.waitFor({ state: 'detached' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const added = (await outcomeKeys(frame)).filter((key) => !before.has(key));
    if (added.length === 1) return added[0]!;
    if (Date.now() > deadline) throw new Error(`Expected one new outcome row, found ${added.length}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The display state of an outcome row (queued|sending|retrying|saved|failed), read again after reloads. */
async function outcomeState(page: Page, key: string): Promise<string | null> {
  try {
    const frame = await panelFrame(page, 2_000);
    return await frame.evaluate((k) => document.querySelector(`[data-ll-outcome-key="${k}"]`)?.getAttribute('data-ll-outcome-state') ?? null, key);
  } catch {
    return null;
  }
}

async function waitForOutcome(page: Page, key: string, state: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await outcomeState(page, key);
    if (last === state) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`Outcome ${key} did not become "${state}" within ${timeout} ms; it shows "${last}"`);
}

function notesWithKey(t: E2E, key: string): number {
  return t.sandbox.hubspot.find('notes', 'loyalty_lens_key', key).length;
}

function requestsMatching(t: E2E, pattern: RegExp): number {
  return t.sandbox.log().filter((r) => pattern.test(`${r.method} ${r.path}`)).length;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

export async function serverErrorsThenRateLimitThenSaved(t: E2E): Promise<void> {
  t.sandbox.clearLog();
  t.sandbox.setFaults([
    { match: NOTES_UPSERT, times: 3, status: 500 },
    { match: NOTES_UPSERT, times: 1, status: 429, headers: { 'retry-after': '1' } },
  ]);
  const { page, frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  const key = await logOutcome(frame, 'Called back: the invoice error is fixed.');
  // Three 500s and a 429 with backoff and full jitter, after the 5 s Undo hold: up to a minute on a slow machine.
  await waitForOutcome(page, key, 'saved', 60_000);
  assert.equal(notesWithKey(t, key), 1);
  // Every fault was met: three 500s and the 429 before the write that went through.
  assert.deepEqual(
    t.sandbox.log().filter((r) => r.path.startsWith('/crm/v3/objects/notes/batch/upsert')).map((r) => r.status),
    [500, 500, 500, 429, 200],
  );
  t.sandbox.clearFaults();
}

export async function connectionDroppedAfterCommitSavedOnce(t: E2E): Promise<void> {
  t.sandbox.setFaults([{ match: NOTES_UPSERT, times: 1, dropAfterCommit: true }]);
  const { page, frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  const key = await logOutcome(frame, 'Left a voicemail after the line dropped.');
  await waitForOutcome(page, key, 'saved');
  assert.equal(notesWithKey(t, key), 1);
  t.sandbox.clearFaults();
}

export async function sandboxDownPanelReloadedThenBack(t: E2E): Promise<void> {
  const { page, frame } = await openHubSpotContact(t, t.hubspot.hardCommentsContactId);
  t.sandbox.setFaults([{ match: ALL_OF_HUBSPOT, status: 503 }]);
  try {
    const key = await logOutcome(frame, 'Promised a call back once the outage is over.');
    await waitForOutcome(page, key, 'retrying');
    assert.equal(notesWithKey(t, key), 0);
    await page.reload();
    await waitForPanel(page, expectedRecord(page.url()), { timeout: 20_000 });
    // The outcome survived the reload: still waiting, still not in the CRM. (The record is announced
    // before its data arrives, so wait for the outcome's row.)
    await until('the outcome to show again after the reload', async () => (await outcomeState(page, key)) !== null);
    const shown = await outcomeState(page, key);
    assert.ok(shown === 'retrying' || shown === 'sending', `after the reload the outcome shows "${shown}"`);
    t.sandbox.clearFaults();
    await waitForOutcome(page, key, 'saved', 40_000);
    assert.equal(notesWithKey(t, key), 1);
  } finally {
    // A failure here must not leave HubSpot down for the tests after it.
    t.sandbox.clearFaults();
  }
}

export async function serviceWorkerStoppedMidFlush(t: E2E): Promise<void> {
  // The note write is held long enough to stop the worker while it waits for the answer.
  t.sandbox.setFaults([{ match: NOTES_UPSERT, times: 1, latencyMs: 5_000 }]);
  t.sandbox.clearLog();
  const { page, frame } = await openHubSpotContact(t, t.hubspot.badScoresContactId);
  const key = await logOutcome(frame, 'Explained the new pricing; agreed to a review.');
  await waitForOutcome(page, key, 'sending');
  const cdp = await t.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  // The held request still reaches the CRM (it had been sent); the new worker takes the entry over once
  // the dead worker's lease runs out (core/outbox.ts LEASE_MS), looks the note up by its key and finds it.
  await until('the held write to finish', () => t.sandbox.log().some((r) => r.path.startsWith('/crm/v3/objects/notes/batch/upsert')));
  await page.reload();
  await waitForPanel(page, expectedRecord(page.url()), { timeout: 20_000 });
  await waitForOutcome(page, key, 'saved', 45_000);
  assert.equal(notesWithKey(t, key), 1);
  // The worker that took over looked the note up by its key first; whether it still had to upsert (idempotently)
  // depends on whether the held request had landed by then, so what the user checks is the one note above.
  assert.ok(requestsMatching(t, /^POST \/crm\/v3\/objects\/notes\/batch\/read/) >= 1, 'the worker that took over looked the note up by its key');
}

export async function permanentFailureShowsReasonAndRetryWorks(t: E2E): Promise<void> {
  t.sandbox.setFaults([
    {
      match: NOTES_UPSERT,
      status: 403,
      body: {
        status: 'error',
        message: 'This app hasn\'t been granted all required scopes to make this call.',
        category: 'MISSING_SCOPES',
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
      },
    },
  ]);
  const { page, frame } = await openHubSpotContact(t, t.hubspot.bigCompanyContactId);
  const key = await logOutcome(frame, 'Escalated to the account team.');
  await waitForOutcome(page, key, 'failed');
  const row = frame.locator(`[data-ll-outcome-key="${key}"]`);
  const reason = await row.getByRole('alert').innerText();
  assert.match(reason, /Not written to HubSpot: The HubSpot token lacks the crm\.objects\.contacts\.write scope/);
  assert.equal(notesWithKey(t, key), 0);
  t.sandbox.clearFaults();
  await row.getByRole('button', { name: 'Retry' }).click();
  await waitForOutcome(page, key, 'saved');
  assert.equal(notesWithKey(t, key), 1);
}

export async function loopHistoryReadBackFromCrm(t: E2E): Promise<void> {
  // Not the sample contact: call mode, tested on it earlier, reads its history with every view from then on.
  const contactId = t.hubspot.hardCommentsContactId;
  const { page, frame } = await openHubSpotContact(t, contactId);
  const note = 'Heard: onboarding was rushed. Booked a training session.';
  const key = await logOutcome(frame, note);
  await waitForOutcome(page, key, 'saved');
  // The view leaves HubSpot's loop notes out (a sixth request); one click reads them, from HubSpot, not the outbox
  // (by id, as the note was written a moment ago and search would not have it yet).
  const notesReads = () =>
    t.sandbox.log().filter((r) => r.method === 'POST' && /^\/crm\/v3\/objects\/notes\/(search|batch\/read)/.test(r.path)).length;
  const before = notesReads();
  const show = frame.getByRole('button', { name: 'Show recent contacts from HubSpot' });
  await show.scrollIntoViewIfNeeded();
  await screenshotPanel(page, 'recent-contacts-offered');
  await show.click();
  await frame.locator('.loop-list li', { hasText: 'onboarding was rushed' }).first().waitFor({ timeout: 15_000 });
  await screenshotPanel(page, 'recent-contacts-read');
  assert.equal(notesReads(), before + 1);
  assert.equal(notesWithKey(t, key), 1);
  // Once asked for, the history is read again with every refresh of the record.
  const options = await openExtensionPage(t.context, t.extensionId);
  const reply = await sendFromExtensionPage(options, {
    type: 'record.refresh',
    ref: { crm: 'hubspot', instance: t.hubspot.portals.main, objectType: 'contact', id: contactId },
  });
  await options.close();
  assert.ok(reply.ok, `refresh failed: ${JSON.stringify(reply)}`);
  assert.equal(notesReads(), before + 2);
  await frame.locator('.loop-list li', { hasText: 'onboarding was rushed' }).first().waitFor();
}

// ── Salesforce: one token refresh for many writes ───────────────────────────────────────────────────

export async function fiveWritesMeetExpiredTokenOneRefresh(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  const page = await t.newPage();
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  const frame = await panelFrame(page);
  // RunningSandbox types it as a plain CrmSandbox; the server builds it with createSalesforceSandbox.
  const salesforce = t.sandbox.salesforce as SalesforceSandbox;
  salesforce.expireAccessTokens();
  t.sandbox.clearLog();
  // Hold the Task writes a moment so all five outcomes are queued while the token is already dead.
  t.sandbox.setFaults([{ match: ANY_TASK_WRITE, times: 1, latencyMs: 1_500 }]);
  const keys: string[] = [];
  for (let i = 1; i <= 5; i++) keys.push(await logOutcome(frame, `Outcome ${i} of five.`));
  for (const key of keys) await waitForOutcome(page, key, 'saved');
  for (const key of keys) assert.equal(salesforce.countTasksWithKey(key), 1, `Tasks for ${key}`);
  const refreshes = t.sandbox.log().filter((r) => r.method === 'POST' && r.path.startsWith('/services/oauth2/token'));
  assert.equal(refreshes.length, 1, 'one token refresh for five writes');
  t.sandbox.clearFaults();
}

// ── the browser restarted with outcomes still queued ────────────────────────────────────────────────

export async function browserRestartedWithQueuedOutcomes(t: E2E): Promise<void> {
  // Its own browser: the runner's profile must stay open, and this test needs to close and reopen one.
  const profile = mkdtempSync(join(tmpdir(), 'loyalty-lens-restart-'));
  const launch = () => launchWithExtension({ extensionDir: CHROME_BUILD_DIR, sandboxHttpsPort: t.sandbox.httpsPort, headless: true, userDataDir: profile });
  let browser = await launch();
  try {
    await rememberPanelOpen(browser.serviceWorker, true);
    await connectHubSpot(browser.context, browser.extensionId, t.hubspot.tokens.main);
    const contacts = [t.hubspot.sampleContactId, t.hubspot.hardCommentsContactId];
    // The CRM refuses the note writes, so the outcomes stay in the outbox when the browser closes.
    t.sandbox.setFaults([{ match: NOTES_UPSERT, status: 503 }]);
    const keys: string[] = [];
    for (const contactId of contacts) {
      const { page, frame } = await openHubSpotContact(t, contactId, await browser.context.newPage());
      const key = await logOutcome(frame, `Queued before the restart (${contactId}).`);
      await waitForOutcome(page, key, 'retrying');
      keys.push(key);
    }
    await browser.close();
    for (const key of keys) assert.equal(notesWithKey(t, key), 0);
    t.sandbox.clearFaults();
    browser = await launch();
    for (const [i, contactId] of contacts.entries()) {
      const { page } = await openHubSpotContact(t, contactId, await browser.context.newPage());
      await waitForOutcome(page, keys[i]!, 'saved', 40_000);
    }
    for (const key of keys) assert.equal(notesWithKey(t, key), 1);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * An unhappy answer without a follow-up gets one from the panel. The save meets a connection that drops once
 * HubSpot stored the ticket; the retry finds that same ticket, and the panel lists it.
 */
export async function followUpOpenedOnceFromAnUnhappyAnswer(t: E2E): Promise<void> {
  const portal = t.hubspot.portals.main;
  const followUpTickets = () => t.sandbox.hubspot.records('tickets', portal).filter((r) => (r.properties.loyalty_lens_key ?? '').startsWith('followup-'));
  assert.equal(followUpTickets().length, 0);
  const { frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  const open = frame.getByRole('button', { name: 'Open a follow-up in HubSpot' }).first();
  const answerHead = (await open.locator('xpath=ancestor::li[1]').locator('.response-head').innerText()).trim();
  t.sandbox.setFaults([{ match: TICKETS_UPSERT, times: 1, dropAfterCommit: true }]);
  // As a person would, look before clicking: the panel acts at once only after 500 ms in steady view.
  await new Promise((done) => setTimeout(done, 800));
  await open.click();
  await until('the follow-up ticket in HubSpot', () => followUpTickets().length > 0);
  const subject = followUpTickets()[0]!.properties.subject ?? '';
  // The record is re-read: the ticket is listed among the follow-ups, and its answer offers no second one.
  const followUps = frame.locator('section.follow-ups');
  await until('the new ticket in the follow-ups', async () => (await followUps.innerText()).includes(subject));
  const sameAnswer = frame.locator('li.response').filter({ has: frame.locator('.response-head', { hasText: answerHead }) });
  await until('the answer to drop its button', async () => (await sameAnswer.getByRole('button', { name: 'Open a follow-up in HubSpot' }).count()) === 0);
  assert.ok(requestsMatching(t, new RegExp(TICKETS_UPSERT.replace('$', ''))) >= 2, 'the dropped save was sent again');
  assert.equal(followUpTickets().length, 1, 'one follow-up ticket in HubSpot');
}

// ── the form records only what was chosen; Undo while it is held ───────────────────────────────────

/**
 * Nothing is chosen for the person: no result checked, and saving with only a note (Ctrl+Enter) says what is
 * missing. A saved outcome can be undone while it is held, and then nothing reaches the CRM; saved again, it is
 * written and the panel says so in plain words.
 */
async function recordsOnlyWhatWasChosen(
  t: E2E,
  page: Page,
  frame: Frame,
  crmName: string,
  counts: { writes: () => number; records: () => number },
  shot: string,
): Promise<void> {
  const { writes, records } = counts;
  const before = writes();
  const recordsBefore = records();
  await frame.getByRole('button', { name: 'Log outcome' }).first().click();
  const form = frame.locator('form.outcome-form');
  await form.waitFor();
  assert.equal(await form.locator('input[type=radio]:checked').count(), 0, 'a result was chosen for the person');
  const note = form.getByLabel('What was heard and done');
  await note.fill('Only a note, no result.');
  await note.press('Control+Enter');
  await form.getByRole('alert').filter({ hasText: 'Choose a result' }).waitFor();
  // The picture shows what the person meets: nothing chosen, and what is missing said.
  await form.scrollIntoViewIfNeeded();
  await screenshotPanel(page, shot);
  await form.getByLabel('No answer').check();
  await form.getByRole('button', { name: `Save to ${crmName}` }).click();
  await frame.getByRole('button', { name: 'Undo' }).click();
  await frame.getByText(`Undone: nothing was written to ${crmName}.`).waitFor();
  await new Promise((done) => setTimeout(done, 7_000));
  assert.equal(writes(), before, `an undone outcome reached ${crmName}`);

  await frame.getByRole('button', { name: 'Log outcome' }).first().click();
  await form.getByLabel('Reached and resolved').check();
  await form.getByRole('button', { name: `Save to ${crmName}` }).click();
  const saved = frame.locator('[data-ll-saved-state="saved"]');
  await saved.waitFor({ timeout: 30_000 });
  assert.match(await saved.innerText(), new RegExp(`Written to ${crmName}`));
  assert.equal(records(), recordsBefore + 1, `one record of the outcome in ${crmName}`);
}

export async function hubspotRecordsOnlyWhatWasChosen(t: E2E): Promise<void> {
  const { page, frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  const noteWrites = () => requestsMatching(t, new RegExp(NOTES_UPSERT));
  await recordsOnlyWhatWasChosen(t, page, frame, 'HubSpot', { writes: noteWrites, records: noteWrites }, 'outcome-form');
  publishScreenshot('outcome-form', 'outcome-form');
}

export async function salesforceRecordsOnlyWhatWasChosen(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  const page = await t.newPage();
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  // The outcome's Task is one record; the Case it closes also gains the outcome's root causes and steps.
  await recordsOnlyWhatWasChosen(
    t,
    page,
    await panelFrame(page),
    'Salesforce',
    { writes: () => requestsMatching(t, new RegExp(ANY_TASK_WRITE)), records: () => t.sandbox.stats().salesforce?.tasksCreated ?? 0 },
    'salesforce-outcome-form',
  );
}

// ── call mode acts ───────────────────────────────────────────────────────────────────────────────

/** In call mode the card shows the open follow-up with its clock; Alt+Shift+O opens the form and the outcome is saved. */
async function callModeLogsAnOutcome(t: E2E, page: Page, frame: Frame, crmName: string, shot: string): Promise<void> {
  await frame.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Alt+Shift+K');
  try {
    await logFromTheCallCard(t, page, frame, crmName, shot);
  } finally {
    // Call mode is remembered: leave it off for the tests after this one.
    await frame.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('Alt+Shift+K');
    await frame.locator('.panel:not(.call-mode)').waitFor();
  }
}

async function logFromTheCallCard(t: E2E, page: Page, frame: Frame, crmName: string, shot: string): Promise<void> {
  const card = frame.locator('.call-card');
  await card.waitFor({ state: 'visible' });
  assert.ok((await card.locator('.sla').count()) > 0, 'the call card shows no follow-up clock');
  await card.getByRole('button', { name: 'Log outcome' }).waitFor();
  await t.screenshot(page, shot);
  await page.keyboard.press('Alt+Shift+O');
  const form = card.locator('form.outcome-form');
  await form.waitFor();
  await form.getByRole('radio').first().press('Space');
  await form.getByLabel('What was heard and done').fill('Talked it through on the call.');
  await form.getByLabel('What was heard and done').press('Control+Enter');
  const saved = card.locator('[data-ll-saved-state="saved"]');
  await saved.waitFor({ timeout: 30_000 });
  assert.match(await saved.innerText(), new RegExp(`Written to ${crmName}`));
}

export async function hubspotCallModeLogsAnOutcome(t: E2E): Promise<void> {
  const { page, frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  await callModeLogsAnOutcome(t, page, frame, 'HubSpot', 'hubspot-call-mode');
  publishScreenshot('hubspot-call-mode', 'call-mode');
}

export async function salesforceCallModeLogsAnOutcome(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  const page = await t.newPage();
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Case', t.salesforce.caseId);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  await callModeLogsAnOutcome(t, page, await panelFrame(page), 'Salesforce', 'salesforce-call-mode');
}

// ── a 5xx answered after the CRM committed: exactly one record ──────────────────────────────────────
// The CRM stores the write, then a gateway (or the CRM) answers 500/502/503/504. Whether or not the CRM has the key
// property / External ID field, the loop owner ends with "saved" and the CRM with ONE note, Task, ticket or Case.

const NOTE_CREATE = '^POST /crm/v3/objects/notes(/batch/create)?$';
const TICKET_CREATE = '^POST /crm/v3/objects/tickets(/batch/create)?$';
const TASK_UPSERT = '^PATCH /services/data/v[0-9.]+/composite/sobjects/Task/Loyalty_Lens_Key__c$';
const TASK_CREATE = '^POST /services/data/v[0-9.]+/composite/sobjects$';
const CASE_CREATE = '^POST /services/data/v[0-9.]+/sobjects/Case$';

function faultMet(t: E2E, status: number): boolean {
  return t.sandbox.log().some((r) => r.fault && r.status === status);
}

function notesCarrying(t: E2E, key: string): number {
  return t.sandbox.hubspot.records('notes', t.hubspot.portals.main).filter((n) => (n.properties.hs_note_body ?? '').includes(key)).length;
}

async function openSalesforceContact(t: E2E): Promise<{ page: Page; frame: Frame }> {
  const page = await t.newPage();
  const url = salesforceRecordUrl(t.salesforce.hosts.lightning, 'Contact', t.salesforce.sampleContactId);
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready', timeout: 20_000 });
  return { page, frame: await panelFrame(page) };
}

/** Clicks the first "Open a follow-up" of the panel and waits for the CRM to count one more follow-up. */
async function openFollowUp(frame: Frame, crm: 'HubSpot' | 'Salesforce', created: () => number): Promise<void> {
  const before = created();
  const open = frame.getByRole('button', { name: `Open a follow-up in ${crm}` }).first();
  await open.waitFor();
  // As a person would, look before clicking: the panel acts at once only after 500 ms in steady view.
  await new Promise((done) => setTimeout(done, 800));
  await open.click();
  await until(`the follow-up in ${crm}`, () => created() > before);
  // The panel re-reads the record once the follow-up is open; a second save would show up meanwhile.
  await frame.locator('section.follow-ups').waitFor();
  await new Promise((done) => setTimeout(done, 1_500));
}

export async function hubspotNoteOnceAfterCommit5xx(t: E2E): Promise<void> {
  t.sandbox.clearLog();
  t.sandbox.setFaults([{ match: NOTES_UPSERT, times: 1, statusAfterCommit: 502 }]);
  const { page, frame } = await openHubSpotContact(t, t.hubspot.sampleContactId);
  const key = await logOutcome(frame, 'Called back; the gateway failed after HubSpot saved it.');
  await waitForOutcome(page, key, 'saved');
  assert.ok(faultMet(t, 502), 'the note write met the 502 after its commit');
  assert.equal(notesWithKey(t, key), 1);
  t.sandbox.clearFaults();
}

/** Contacts a test of this run opened a follow-up for (the sandbox lives for the whole run). */
const givenFollowUps = new Set<string>();

/**
 * A contact of the seed's big company whose latest NPS answer is unhappy and has no follow-up, that no other test
 * uses: the panel offers a follow-up for a contact's latest answer of each kind, so each test that opens one needs
 * a contact of its own.
 */
function contactWithUnfollowedDetractor(t: E2E): string {
  const named = new Set<unknown>(Object.values(t.hubspot));
  const latest = new Map<string, { at: number; score: number; followedUp: boolean }>();
  for (const answer of t.sandbox.hubspot.records('feedback_submissions', t.hubspot.portals.main)) {
    const { hs_contact_id: contactId, hs_survey_type: kind, hs_value: value, hs_submission_timestamp: at, hs_ticket_id: ticket } = answer.properties;
    if (kind !== 'NPS' || !contactId || !at || !/^\d+$/.test(value ?? '')) continue;
    const seen = latest.get(contactId);
    if (!seen || Date.parse(at) > seen.at) latest.set(contactId, { at: Date.parse(at), score: Number(value), followedUp: Boolean(ticket) });
  }
  for (const [contactId, answer] of latest) {
    if (answer.score > DEFAULT_SETTINGS.rules.followUpMaxScore || answer.followedUp || named.has(contactId) || givenFollowUps.has(contactId)) continue;
    givenFollowUps.add(contactId);
    return contactId;
  }
  throw new Error('The seed has no other contact with an unhappy latest answer and no follow-up');
}

export async function hubspotTicketOnceAfterCommit5xx(t: E2E): Promise<void> {
  t.sandbox.clearLog();
  const { frame } = await openHubSpotContact(t, contactWithUnfollowedDetractor(t));
  const tickets = () => t.sandbox.stats().hubspot?.tickets ?? 0;
  const before = tickets();
  t.sandbox.setFaults([{ match: TICKETS_UPSERT, times: 1, statusAfterCommit: 503 }]);
  await openFollowUp(frame, 'HubSpot', tickets);
  assert.ok(faultMet(t, 503), 'the ticket save met the 503 after its commit');
  assert.equal(tickets() - before, 1, 'one follow-up ticket in HubSpot');
  t.sandbox.clearFaults();
}

export async function salesforceTaskOnceAfterCommit5xx(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  const salesforce = t.sandbox.salesforce as SalesforceSandbox;
  t.sandbox.clearLog();
  t.sandbox.setFaults([{ match: TASK_UPSERT, times: 1, statusAfterCommit: 504 }]);
  const { page, frame } = await openSalesforceContact(t);
  const key = await logOutcome(frame, 'Reached; the gateway timed out after Salesforce saved it.');
  await waitForOutcome(page, key, 'saved');
  assert.ok(faultMet(t, 504), 'the Task upsert met the 504 after its commit');
  assert.equal(salesforce.countTasksWithKey(key), 1);
  t.sandbox.clearFaults();
}

export async function salesforceCaseOnceAfterCommit5xx(t: E2E): Promise<void> {
  await connectSalesforce(t.context, t.extensionId, t.salesforce.consumerKey);
  t.sandbox.clearLog();
  const { frame } = await openSalesforceContact(t);
  const cases = () => t.sandbox.stats().salesforce?.casesCreated ?? 0;
  const before = cases();
  t.sandbox.setFaults([{ match: CASE_CREATE, times: 1, statusAfterCommit: 500 }]);
  await openFollowUp(frame, 'Salesforce', cases);
  assert.ok(faultMet(t, 500), 'the Case create met the 500 after its commit');
  assert.equal(cases() - before, 1, 'one follow-up Case in Salesforce');
  t.sandbox.clearFaults();
}

// Without the key property / External ID field: each test takes it away and puts it back (tests run in name order).

export async function hubspotNoteOnceAfterCommit5xxWithoutKeyProperty(t: E2E): Promise<void> {
  const restore = t.sandbox.hubspot.withoutProperty('loyalty_lens_key');
  // HubSpot's search shows a new note only seconds later: the look-up must not depend on it.
  t.sandbox.hubspot.setSearchIndexLag(30_000);
  try {
    t.sandbox.clearLog();
    t.sandbox.setFaults([{ match: NOTE_CREATE, times: 1, statusAfterCommit: 503 }]);
    const { page, frame } = await openHubSpotContact(t, t.hubspot.hardCommentsContactId);
    const key = await logOutcome(frame, 'Called back in a portal without the key property.');
    await waitForOutcome(page, key, 'saved');
    assert.ok(faultMet(t, 503), 'the note create met the 503 after its commit');
    assert.equal(notesCarrying(t, key), 1);
  } finally {
    t.sandbox.clearFaults();
    t.sandbox.hubspot.setSearchIndexLag(0);
    restore();
  }
}

export async function hubspotTicketOnceAfterCommit5xxWithoutKeyProperty(t: E2E): Promise<void> {
  const restore = t.sandbox.hubspot.withoutProperty('loyalty_lens_key');
  t.sandbox.hubspot.setSearchIndexLag(30_000);
  try {
    t.sandbox.clearLog();
    const { frame } = await openHubSpotContact(t, contactWithUnfollowedDetractor(t));
    const tickets = () => t.sandbox.stats().hubspot?.tickets ?? 0;
    const before = tickets();
    t.sandbox.setFaults([{ match: TICKET_CREATE, times: 1, statusAfterCommit: 502 }]);
    await openFollowUp(frame, 'HubSpot', tickets);
    assert.ok(faultMet(t, 502), 'the ticket create met the 502 after its commit');
    assert.equal(tickets() - before, 1, 'one follow-up ticket in HubSpot');
  } finally {
    t.sandbox.clearFaults();
    t.sandbox.hubspot.setSearchIndexLag(0);
    restore();
  }
}

export async function salesforceTaskOnceAfterCommit5xxWithoutExternalId(t: E2E): Promise<void> {
  const salesforce = t.sandbox.salesforce as SalesforceSandbox;
  const restore = salesforce.withoutField('Task', 'Loyalty_Lens_Key__c');
  try {
    t.sandbox.clearLog();
    t.sandbox.setFaults([{ match: TASK_CREATE, times: 1, statusAfterCommit: 502 }]);
    const { page, frame } = await openSalesforceContact(t);
    const key = await logOutcome(frame, 'Reached, in an org without the External ID field.');
    await waitForOutcome(page, key, 'saved');
    assert.ok(faultMet(t, 502), 'the Task create met the 502 after its commit');
    assert.equal(salesforce.records('Task').filter((task) => String(task.Subject ?? '').includes(key)).length, 1);
  } finally {
    t.sandbox.clearFaults();
    restore();
  }
}
