import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator, Page } from 'playwright-core';
import { findChromium, launchWithExtension, type LaunchedExtension } from '../../../scripts/chromium';
import { CHROME_BUILD_DIR, ConsoleCapture, expectedRecord, hubspotRecordUrl, panelFrame, rememberPanelOpen, SCREENSHOT_DIR, waitForPanel } from '../harness';
import type { SalesforceSandbox } from '../../../sandbox/salesforce';
import type { E2E } from '../types';
import { expectAccessible } from '../axe';

// The admin's options page, driven as an admin does: connect both CRMs (every failed connection
// explained), build a score mapping from the CRM's own metadata and prove it on real rows, see the
// panel use it, roll the configuration out to a fresh browser profile, and see a managed policy
// value locked. The tests share the state an admin builds up; the runner takes a module's exports
// in name order, hence the step numbers.

const CUSTOM_OBJECT = 'p_loyalty_survey';
/** The comment of the sample contact's one custom-object row (sandbox/hubspot/seed.ts); no other source has it. */
const CUSTOM_ROW_COMMENT = 'Mirrored from the survey tool.';
const MAPPING_NAME = 'Loyalty survey tool';
/** The sandbox org's default daily API allowance (sandbox/salesforce/index.ts), restored after a test lowers it. */
const SANDBOX_DAILY_LIMIT = 100_000;

/** What the first profile's panel showed with the custom mapping, to compare the fresh profile with. */
let panelWithMapping: string[] | null = null;
let exportedFile: string | null = null;
const tempDirs: string[] = [];

async function openOptions(t: E2E | LaunchedExtension, page?: Page): Promise<Page> {
  const target = page ?? (await t.context.newPage());
  await target.goto(`chrome-extension://${t.extensionId}/options.html`);
  await target.getByRole('heading', { level: 1 }).waitFor();
  return target;
}

/** The runner types the sandbox's Salesforce part as the generic CRM sandbox; this spec uses its limits. */
function salesforceSandbox(t: E2E): SalesforceSandbox {
  return t.sandbox.salesforce as SalesforceSandbox;
}

function card(page: Page, name: 'HubSpot' | 'Salesforce'): Locator {
  return page.locator('#connections').getByRole('region', { name, exact: true });
}

/** Waits for the card's verdict to carry `title` and returns its whole text. */
async function verdict(where: Locator, title: string): Promise<string> {
  const box = where.locator('.verdict').filter({ has: where.page().locator('strong', { hasText: title }) });
  await box.waitFor({ timeout: 20_000 });
  return (await box.innerText()).replace(/\s+/g, ' ');
}

async function connectHubSpotThroughUi(page: Page, token: string): Promise<void> {
  const hubspot = card(page, 'HubSpot');
  await hubspot.getByLabel('Service Key', { exact: true }).fill(token);
  await hubspot.getByRole('button', { name: 'Connect', exact: true }).click();
}

async function shootSection(page: Page, id: string, name = `options-${id}`): Promise<void> {
  await page.locator(`#${id}`).screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** The texts of the response list the panel shows for a record page, once it is ready. */
async function panelResponses(page: Page, url: string): Promise<string[]> {
  await page.goto(url);
  await waitForPanel(page, expectedRecord(url), { state: 'ready' });
  const frame = await panelFrame(page);
  await frame.locator('.response-list .response').first().waitFor();
  return (await frame.locator('.response-list .response').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** A second browser with its own empty profile, its console captured like the runner's. */
async function launchAnother(t: E2E, label: string, managedPolicy?: Record<string, unknown>): Promise<LaunchedExtension> {
  const executablePath = findChromium();
  assert.ok(executablePath, 'no Chromium');
  const launched = await launchWithExtension({
    extensionDir: CHROME_BUILD_DIR,
    sandboxHttpsPort: t.sandbox.httpsPort,
    headless: true,
    executablePath,
    ...(managedPolicy ? { managedPolicy } : {}),
  });
  const capture = new ConsoleCapture();
  capture.setLabel(`options.spec.ts ${label}`);
  capture.attach(launched.context);
  // As in the main profile: the panel opened once, so record pages show it open rather than as the slim tab.
  await rememberPanelOpen(launched.serviceWorker, true);
  return launched;
}

export async function afterAll(): Promise<void> {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

export async function step1HubSpotConnectionExplainsEveryFailure(t: E2E): Promise<void> {
  const page = await openOptions(t);
  const hubspot = card(page, 'HubSpot');
  await assertNotConnected(hubspot);

  // The page explains Service Keys and their scopes; private apps are gone.
  await hubspot.getByText('How to create a Service Key, and its scopes').click();
  assert.match(await hubspot.locator('details.scopes').innerText(), /Service Keys replace them[\s\S]*crm\.objects\.feedback_submissions\.read/);

  // Garbage pasted (a sentence from an e-mail): clear words, and nothing reaches HubSpot.
  t.sandbox.clearLog();
  await connectHubSpotThroughUi(page, 'Here is the key you asked for');
  const garbage = await verdict(hubspot, 'That is not a HubSpot key');
  assert.match(garbage, /one word without spaces/);
  assert.equal(t.sandbox.log().length, 0, 'a request went to HubSpot');

  // A key HubSpot refuses on the first connection (the sandbox answers 401 INVALID_AUTHENTICATION):
  // what to check, not "revoked".
  await connectHubSpotThroughUi(page, t.hubspot.tokens.revoked);
  const refused = await verdict(hubspot, 'The CRM refused the credentials');
  assert.match(refused, /HubSpot did not accept this key\. Check that you copied the whole Service Key/);
  assert.doesNotMatch(refused, /revoked, rotated or expired|no longer accepts/);
  assert.equal(await hubspot.getByLabel('Service Key', { exact: true }).inputValue(), '', 'the page kept the token');
  await assertNotConnected(hubspot);

  // HubSpot unreachable: every token check loses its connection.
  t.sandbox.setFaults([{ match: '^POST /oauth/v2/private-apps/get/access-token-info', dropAfterCommit: true }]);
  await connectHubSpotThroughUi(page, t.hubspot.tokens.main);
  const unreachable = await verdict(hubspot, 'The CRM could not be reached');
  assert.match(unreachable, /HubSpot could not be reached/);
  t.sandbox.clearFaults();
  await assertNotConnected(hubspot);

  // A token without some read scopes (the sandbox's "-limited" token has contacts, companies, deals
  // and owners only): it connects, and the verdict names the two scopes to add.
  await connectHubSpotThroughUi(page, t.hubspot.tokens.missingScopes);
  const limited = await verdict(hubspot, 'Connected, but some permissions are missing');
  assert.match(limited, /tickets/);
  assert.match(limited, /crm\.objects\.feedback_submissions\.read/);
  assert.match(await hubspot.locator('.details').innerText(), /Missing scopes\s+tickets, crm\.objects\.feedback_submissions\.read/);

  // A key of another portal asks first, naming the records that stop working; keeping the current
  // portal changes nothing.
  await connectHubSpotThroughUi(page, t.hubspot.tokens.eu);
  const question = hubspot.getByRole('group', { name: `This key belongs to another HubSpot portal: ${t.hubspot.portals.eu}` });
  await question.waitFor();
  assert.match(
    (await question.innerText()).replace(/\s+/g, ' '),
    new RegExp(`connected to portal ${t.hubspot.portals.main}\\. If portal ${t.hubspot.portals.eu} replaces it, every record of portal ${t.hubspot.portals.main} stops working`),
  );
  await shootSection(page, 'connections', 'options-other-portal-asks');
  await question.getByRole('button', { name: `Keep portal ${t.hubspot.portals.main}` }).click();
  await question.waitFor({ state: 'detached' });
  assert.match(await hubspot.locator('.details').innerText(), new RegExp(`Portal ID\\s+${t.hubspot.portals.main}`));

  // Agreed: the connection shows that portal, and a record page of the first portal says so
  // instead of showing another portal's data.
  await connectHubSpotThroughUi(page, t.hubspot.tokens.eu);
  await question.getByRole('button', { name: `Connect portal ${t.hubspot.portals.eu} instead` }).click();
  await verdict(hubspot, 'Connection works');
  assert.match(await hubspot.locator('.details').innerText(), new RegExp(`Portal ID\\s+${t.hubspot.portals.eu}`));
  const crmPage = await t.newPage();
  const record = hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId);
  await crmPage.goto(record);
  await waitForPanel(crmPage, expectedRecord(record), { state: 'error' });
  const panelText = await (await panelFrame(crmPage)).locator('[data-ll-state]').innerText();
  assert.match(panelText, /connected to a different HubSpot account than this page/);
  await crmPage.close();

  // The right token (asked again, since it replaces portal eu): portal id and name shown, nothing missing.
  await connectHubSpotThroughUi(page, t.hubspot.tokens.main);
  await hubspot.getByRole('button', { name: `Connect portal ${t.hubspot.portals.main} instead` }).click();
  const ok = await verdict(hubspot, 'Connection works');
  assert.match(ok, new RegExp(`Connected to HubSpot portal ${t.hubspot.portals.main}`));
  const details = await hubspot.locator('.details').innerText();
  assert.match(details, new RegExp(`Portal ID\\s+${t.hubspot.portals.main}`));
  assert.match(details, new RegExp(`Portal name\\s+HubSpot portal ${t.hubspot.portals.main}`));
  assert.match(details, /Missing scopes\s+None/);

  // "Test connection" explains a failure too, and recovers.
  t.sandbox.setFaults([{ match: '^POST /oauth/v2/private-apps/get/access-token-info', dropAfterCommit: true }]);
  await hubspot.getByRole('button', { name: 'Test connection' }).click();
  await verdict(hubspot, 'The CRM could not be reached');
  t.sandbox.clearFaults();
  await hubspot.getByRole('button', { name: 'Test connection' }).click();
  await verdict(hubspot, 'Connection works');

  // Connected: where follow-ups live is chosen from the portal's own ticket pipelines and stages.
  const rules = page.locator('#rules');
  await rules.getByLabel('HubSpot ticket pipeline', { exact: true }).selectOption({ label: 'Customer Feedback Follow-up' });
  assert.deepEqual(await rules.getByLabel('Stage of a new follow-up').locator('option').allInnerTexts(), [
    'The pipeline’s first open stage',
    'Follow-up needed',
    'Customer contacted',
  ]);
  assert.deepEqual(await rules.getByLabel('Stage of a closed follow-up').locator('option').allInnerTexts(), ['The pipeline’s first closed stage', 'Resolved']);
  await page.close();
}

async function assertNotConnected(hubspot: Locator): Promise<void> {
  assert.equal(await hubspot.getByText('Not connected.').count(), 1, 'HubSpot shows as connected');
}

export async function step2SalesforceSignsInWithPkce(t: E2E): Promise<void> {
  const page = await openOptions(t);
  const salesforce = card(page, 'Salesforce');
  assert.equal(await salesforce.getByLabel('Login host').inputValue(), 'login.salesforce.com');
  const signIn = () =>
    Promise.all([
      t.context.waitForEvent('page', { predicate: (candidate) => candidate.url().includes('/services/oauth2/authorize'), timeout: 20_000 }),
      salesforce.getByRole('button', { name: 'Sign in with Salesforce' }).click(),
    ]);

  // A consumer key Salesforce does not know: its authorize page answers with an OAuth error, which
  // the browser reports as a page that could not load.
  await salesforce.getByLabel('Connected app consumer key').fill(`${t.salesforce.consumerKey}X`);
  await salesforce.getByRole('button', { name: 'Sign in with Salesforce' }).click();
  assert.match(await verdict(salesforce, 'The CRM refused the credentials'), /sign-in was closed or could not load/);
  assert.equal(await salesforce.getByText('Not connected.').count(), 1, 'Salesforce shows as connected');

  // The browser's sign-in window is the sandbox's authorize page, on login.salesforce.com.
  await salesforce.getByLabel('Connected app consumer key').fill(t.salesforce.consumerKey);
  const [login] = await signIn();
  const authorize = new URL(login.url());
  assert.equal(authorize.host, 'login.salesforce.com');
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('code_challenge'), 'no PKCE challenge');
  assert.ok(authorize.searchParams.get('state'), 'no state');
  await login.getByRole('button', { name: 'Log in and allow' }).click();

  const ok = await verdict(salesforce, 'Connection works');
  assert.match(ok, new RegExp(`\\(${t.salesforce.hosts.api.replace(/\./g, '\\.')}\\)`));
  const details = await salesforce.locator('.details').innerText();
  assert.match(details, new RegExp(`API host\\s+${t.salesforce.hosts.api.replace(/\./g, '\\.')}`));
  assert.match(details, /Signed in as\s+\S/);

  // The org's daily API allowance used up.
  salesforceSandbox(t).setDailyLimit(0);
  await salesforce.getByRole('button', { name: 'Test connection' }).click();
  await verdict(salesforce, 'The daily API allowance is used up');
  salesforceSandbox(t).setDailyLimit(SANDBOX_DAILY_LIMIT);

  // The org unreachable: every API connection is cut.
  t.sandbox.setFaults([{ match: '^GET /services/', dropAfterCommit: true }]);
  await salesforce.getByRole('button', { name: 'Test connection' }).click();
  await verdict(salesforce, 'The CRM could not be reached');
  t.sandbox.clearFaults();

  // An expired access token is refreshed without the admin noticing.
  salesforceSandbox(t).expireAccessTokens();
  await salesforce.getByRole('button', { name: 'Test connection' }).click();
  await verdict(salesforce, 'Connection works');
  await page.close();
}

/** The loop fields' row of one field in one CRM's table, once read. */
function loopFieldRow(page: Page, crm: 'hubspot' | 'salesforce', name: string): Locator {
  return page.locator(`[data-ll-loop-fields="${crm}"] [data-ll-loop-field="${name}"]`);
}

export async function step2bLoopFieldsShowTheirStatusAndAreCreatedInOneClick(t: E2E): Promise<void> {
  // A portal and an org whose admins never added the SLA field; every other loop field exists.
  t.sandbox.hubspot.withoutProperty('loyalty_lens_sla');
  salesforceSandbox(t).withoutField('Case', 'Loyalty_Lens_SLA__c');
  const page = await openOptions(t);
  const section = page.locator('#loop-fields');
  for (const [crm, name, present] of [
    ['hubspot', 'loyalty_lens_sla', 'loyalty_lens_first_contact_hours'],
    ['salesforce', 'Loyalty_Lens_SLA__c', 'Loyalty_Lens_First_Contact_Hours__c'],
  ] as const) {
    const row = loopFieldRow(page, crm, name);
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await row.getAttribute('data-ll-state'), 'missing');
    assert.equal(await loopFieldRow(page, crm, present).getAttribute('data-ll-state'), 'present');
    // Exactly what to create: the API name, its type and its values.
    assert.match((await row.innerText()).replace(/\s+/g, ' '), new RegExp(`Closed within SLA ${name} (Dropdown select|Picklist) within; late Missing`));
  }
  await shootSection(page, 'loop-fields', 'options-loop-fields-missing');

  // A HubSpot key without crm.schemas.tickets.write: HubSpot refuses, the page says so and what to create instead.
  await connectHubSpotThroughUi(page, t.hubspot.tokens.noSchemaWrite);
  await verdict(card(page, 'HubSpot'), 'Connection works');
  await loopFieldRow(page, 'hubspot', 'loyalty_lens_sla').getByRole('button', { name: 'Create “Closed within SLA”' }).click();
  const refusal = section.locator('[data-ll-loop-fields="hubspot"] [role="alert"]');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /lacks the scope crm\.schemas\.tickets\.write/);
  assert.equal(await loopFieldRow(page, 'hubspot', 'loyalty_lens_sla').getByRole('button').count(), 0);
  assert.equal(await loopFieldRow(page, 'hubspot', 'loyalty_lens_sla').getAttribute('data-ll-state'), 'missing');

  // With the full key, one click creates it in HubSpot; and in Salesforce (the admin may customise the org).
  await connectHubSpotThroughUi(page, t.hubspot.tokens.main);
  await verdict(card(page, 'HubSpot'), 'Connection works');
  for (const [crm, name, crmName] of [
    ['hubspot', 'loyalty_lens_sla', 'HubSpot'],
    ['salesforce', 'Loyalty_Lens_SLA__c', 'Salesforce'],
  ] as const) {
    await loopFieldRow(page, crm, name).getByRole('button', { name: 'Create “Closed within SLA”' }).click();
    await section.getByText(`“Closed within SLA” now exists in ${crmName}.`).waitFor();
    assert.equal(await loopFieldRow(page, crm, name).getAttribute('data-ll-state'), 'present');
  }
  await page.reload();
  for (const [crm, name] of [
    ['hubspot', 'loyalty_lens_sla'],
    ['salesforce', 'Loyalty_Lens_SLA__c'],
  ] as const) {
    await loopFieldRow(page, crm, name).waitFor({ timeout: 20_000 });
    assert.equal(await loopFieldRow(page, crm, name).getAttribute('data-ll-state'), 'present');
  }
  await expectAccessible(page.mainFrame(), 'options loop fields');
  await shootSection(page, 'loop-fields', 'options-loop-fields');
  await page.close();
}

export async function step2cSalesforceRootCausesGoToTheCaseReasonAsMapped(t: E2E): Promise<void> {
  const page = await openOptions(t);
  const choice = page.locator('#loop-fields').getByRole('group', { name: 'Where Salesforce root causes go' });
  await choice.getByRole('radio', { name: /The standard Case Reason/ }).check();
  // The org's own Reason values, read from describe; only the first cause goes there, and the page says so.
  await choice.getByText('Case Reason exists with 7 values. 0 of 10 root causes mapped.').waitFor({ timeout: 20_000 });
  await choice.getByText(/only an outcome’s first \(primary\) root cause/).waitFor();
  const billing = choice.getByLabel('Case Reason value for “Billing”');
  assert.deepEqual(await billing.locator('option').allInnerTexts(), ['Not mapped', 'Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other']);
  await billing.selectOption('Other');
  await choice.getByLabel('Case Reason value for “Onboarding”').selectOption('Installation');
  await choice.getByLabel('Case Reason value for “Product quality”').selectOption('Equipment Design');
  await choice.getByText('Case Reason exists with 7 values. 3 of 10 root causes mapped.').waitFor();
  assert.match(await choice.locator('[data-ll-reason-unmapped]').innerText(), /^Not mapped, so kept only in the Task and the multi-select picklist \(never written to Reason\): Missing feature; Ease of use; /);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved.').waitFor();
  await page.reload();
  await choice.getByText('Case Reason exists with 7 values. 3 of 10 root causes mapped.').waitFor({ timeout: 20_000 });
  assert.equal(await choice.getByLabel('Case Reason value for “Billing”').inputValue(), 'Other');
  await expectAccessible(page.mainFrame(), 'options case reason mapping');
  await shootSection(page, 'loop-fields', 'options-loop-fields-case-reason');
  // Back to the multi-select picklist, as the later steps expect.
  await choice.getByRole('radio', { name: /The multi-select picklist/ }).check();
  assert.equal(await choice.getByRole('combobox').count(), 0);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved.').waitFor();
  await page.close();
}

export async function step3CustomMappingFromMetadataReachesThePanel(t: E2E): Promise<void> {
  const page = await openOptions(t);
  const builder = page.locator('#mapping').getByRole('region', { name: 'New mapping' });
  assert.equal(await builder.getByLabel('CRM').inputValue(), 'hubspot');
  assert.equal(await builder.getByLabel('Start from').inputValue(), 'custom');
  await builder.getByLabel('Name', { exact: true }).fill(MAPPING_NAME);
  await builder.getByRole('button', { name: 'Load objects and fields from the CRM' }).click();

  // The object list comes from HubSpot's schemas API: the custom object by its fully qualified name.
  const objectName = `p${t.hubspot.portals.main}_loyalty_survey`;
  const object = builder.getByLabel('Object', { exact: true });
  await object.locator(`option[value="${objectName}"]`).waitFor({ state: 'attached' });
  await object.selectOption(objectName);
  const score = builder.getByLabel('Score field');
  await score.locator('option[value="score_value"]').waitFor({ state: 'attached' });
  // The raw imported score is a text field: it is not offered as the score, nor any non-date as the date.
  assert.equal(await score.locator('option[value="score"]').count(), 0, 'a text field is offered as the score');
  assert.equal(await score.locator('option[value="comment"]').count(), 0, 'a text field is offered as the score');
  const dateOptions = await builder.getByLabel('Date field').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  assert.ok(dateOptions.includes('submitted_at') && !dateOptions.includes('score') && !dateOptions.includes('score_value'), `date options: ${dateOptions.join(', ')}`);
  await score.selectOption('score_value');
  await builder.getByLabel('Date field').selectOption('submitted_at');
  await builder.getByLabel('Comment field').selectOption('comment');
  await builder.getByLabel('Field holding the survey type').selectOption('survey_type');

  await builder.getByRole('button', { name: 'Preview the latest 20 rows' }).click();
  const table = builder.locator('.preview table');
  await table.waitFor();

  // What the preview must show, from the sandbox's own rows: the latest 20 by submitted_at; a score
  // that is a whole number 0–10 is read, an out-of-range or non-numeric one is rejected with why.
  const latest = t.sandbox.hubspot
    .records(CUSTOM_OBJECT)
    .map((row) => ({ id: row.id, score: row.properties.score_value ?? null, at: Date.parse(String(row.properties.submitted_at)) }))
    .sort((a, b) => b.at - a.at)
    .slice(0, 20);
  const plainlyValid = latest.filter((row) => row.score !== null && /^(?:[0-9]|10)$/.test(row.score));
  const plainlyInvalid = latest.filter((row) => row.score === null || !/^\s*\d+\s*$/.test(row.score) || Number(row.score) > 10);
  assert.ok(plainlyInvalid.length > 0, 'the sandbox seeds bad scores among the latest rows');
  // A read row is named by its response id ("<object>-<row id>"), a rejected one by the row id.
  const rowCode = (id: string) => page.locator('code', { hasText: new RegExp(`(?:^|-)${id}$`) });
  for (const row of plainlyValid) {
    await table.locator('tr.row-parsed', { has: rowCode(row.id) }).waitFor({ state: 'attached' });
  }
  for (const row of plainlyInvalid) {
    const rejected = table.locator('tr.row-rejected', { has: rowCode(row.id) });
    const reason = (await rejected.innerText()).replace(/\s+/g, ' ');
    assert.match(reason, new RegExp(`Rejected.*score_value = “${row.score === null ? 'null' : row.score}”: \\S`), `row ${row.id}`);
  }
  // Read rows name their contacts: the sample contact's mirrored answer shows her name.
  const sample = t.sandbox.hubspot.portal(t.hubspot.portals.main).get('contacts', t.hubspot.sampleContactId)!.properties;
  const sampleRow = table.locator('tr.row-parsed', { hasText: CUSTOM_ROW_COMMENT });
  assert.match(await sampleRow.innerText(), new RegExp(`${sample.firstname} ${sample.lastname}`));
  const summary = await builder.locator('.preview [role=status]').innerText();
  assert.match(summary, /^\d+ rows? read, [1-9]\d* rejected\.$/);
  await shootSection(page, 'mapping', 'options-mapping-preview');

  await builder.getByRole('button', { name: 'Add this mapping' }).click();
  const hubspotMappings = page.locator('#mapping .mapping-list').first();
  await hubspotMappings.getByText(MAPPING_NAME).waitFor();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved. The panel uses the new settings from its next refresh.').waitFor();

  // The panel reads the new source: the sample contact's row from the custom object, with its comment.
  const crmPage = await t.newPage();
  panelWithMapping = await panelResponses(crmPage, hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId));
  assert.ok(
    panelWithMapping.some((text) => text.includes(CUSTOM_ROW_COMMENT)),
    `no response from the custom mapping in the panel: ${JSON.stringify(panelWithMapping)}`,
  );
  await page.close();
}

export async function step4ExportedSettingsGiveAFreshProfileTheSameBehaviour(t: E2E): Promise<void> {
  assert.ok(panelWithMapping, 'the mapping test must run first');
  const page = await openOptions(t);
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export settings file' }).click()])) as [
    Download,
    unknown,
  ];
  assert.match(download.suggestedFilename(), /^loyalty-lens-settings-v\d+-\d{4}-\d{2}-\d{2}\.json$/);
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-lens-export-'));
  tempDirs.push(dir);
  exportedFile = join(dir, download.suggestedFilename());
  await download.saveAs(exportedFile);
  const text = readFileSync(exportedFile, 'utf8');
  // Settings only: no credential of either CRM travels in the file.
  assert.ok(!text.includes(t.hubspot.tokens.main), 'the HubSpot token is in the exported file');
  assert.doesNotMatch(text, /access_?token|refresh_?token|"token"/i);
  assert.match(text, new RegExp(MAPPING_NAME));
  await page.close();

  const fresh = await launchAnother(t, 'fresh profile');
  try {
    const options = await openOptions(fresh);
    await options.locator('#mapping .mapping-list').first().getByText('HubSpot feedback surveys').waitFor();
    assert.equal(await options.getByText(MAPPING_NAME).count(), 0, 'a fresh profile already has the mapping');
    await options.locator('#rollout input[type=file]').setInputFiles(exportedFile);
    await options.locator('#rollout').getByText('Imported and saved.').waitFor();
    await options.locator('#mapping .mapping-list').first().getByText(MAPPING_NAME).waitFor();

    // The file carries no token: this browser connects HubSpot itself.
    await connectHubSpotThroughUi(options, t.hubspot.tokens.main);
    await verdict(card(options, 'HubSpot'), 'Connection works');

    const crmPage = await fresh.context.newPage();
    const shown = await panelResponses(crmPage, hubspotRecordUrl(t.hubspot.portals.main, 'contact', t.hubspot.sampleContactId));
    assert.deepEqual(shown, panelWithMapping);
  } finally {
    await fresh.close();
  }
}

export async function step5ManagedPolicyValueIsShownLocked(t: E2E): Promise<void> {
  // As an IT department sets it for everyone; values are the browser's managed storage for the extension.
  // A login host that is not Salesforce's is never applied: the browser drops it against managed-schema.json's
  // pattern, and the extension refuses it too (named in the notice) if a browser let it through.
  const hostile = 'app.hubspot.com';
  const policy = { followUpMaxScore: 5, retentionDays: 14, salesforceLoginHost: hostile };
  const managed = await launchAnother(t, 'managed policy', policy);
  try {
    const page = await openOptions(managed);
    const followUp = page.locator('#rules').getByLabel('Scores that open a follow-up: 0 to');
    await page.locator('#rules').getByText('Set by your administrator').first().waitFor();
    assert.equal(await followUp.inputValue(), String(policy.followUpMaxScore));
    assert.equal(await followUp.isDisabled(), true, 'a policy value can be edited');
    const retention = page.locator('#privacy').getByLabel('Keep cached survey data for (days)');
    assert.equal(await retention.inputValue(), String(policy.retentionDays));
    assert.equal(await retention.isDisabled(), true, 'a policy value can be edited');
    // Values the policy does not set stay editable.
    assert.equal(await page.locator('#rules').getByLabel('Scores that come first: 0 to').isDisabled(), false);

    const rollout = page.locator('#rollout');
    await rollout.getByText('These values are set by your administrator and cannot be changed here:').waitFor();
    const listed = (await rollout.locator('.details').innerText()).replace(/\s+/g, ' ');
    // Named by what they mean, not by their policy keys.
    assert.match(listed, /NPS scores at or below this open a follow-up 5/);
    assert.match(listed, /Days cached survey data is kept 14/);
    assert.doesNotMatch(listed, /followUpMaxScore|retentionDays|Salesforce login host/);
    const loginHost = page.locator('#connections').getByRole('region', { name: 'Salesforce', exact: true }).getByLabel('Login host');
    assert.equal(await loginHost.inputValue(), 'login.salesforce.com', 'the policy’s foreign login host was applied');
    assert.equal(await loginHost.isDisabled(), false, 'the refused policy value locks the login host');
    const notice = await page.locator('body').innerText();
    assert.doesNotMatch(notice, /salesforceLoginHost/);
    if (notice.includes('Salesforce login host (')) assert.ok(notice.includes(`Salesforce login host (“${hostile}” is not a Salesforce login host)`), 'the refused host is named');

    await shootSection(page, 'rules', 'options-policy-rules');
    await shootSection(page, 'rollout', 'options-policy-rollout');
  } finally {
    await managed.close();
  }
  // The policy lived in a private mount of this browser only.
  assert.equal(existsSync('/etc/chromium/policies'), false, 'a policy was left in /etc/chromium');
}

/** One picture per section, with the connections, mapping and rules an admin has set by now. */
export async function step6EverySectionIsPictured(t: E2E): Promise<void> {
  const page = await openOptions(t);
  for (const id of ['connections', 'site-access', 'mapping', 'rules', 'loop-fields', 'privacy', 'rollout']) {
    await page.locator(`#${id}`).waitFor();
    await shootSection(page, id);
  }
  await t.screenshot(page, 'options-page', { fullPage: true });
  await page.close();
}
