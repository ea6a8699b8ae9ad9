import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { panelFrame } from './harness';
import type { E2E } from './types';

// A big account's contact list, the same in both CRMs: listed by the CRM across the whole account — lowest score
// first (0–3, then 4–6), passives, promoters, no answer; segment chips with the counts the CRM made; a name search
// that finds contacts the view never read.

export interface SegmentCounts {
  total: number;
  detractors: number;
  passives: number;
  promoters: number;
  none: number;
}

/** The account as the seed holds it: each contact's name and latest score, and one the view's own read left out. */
export interface SeededAccount {
  crm: 'HubSpot' | 'Salesforce';
  contacts: Array<{ name: string; score: number | null }>;
  /** A contact outside the contacts the record view read, to be found by a search. */
  unread: { name: string };
}

/** The scores of the account's list in the CRM's order, as the panel marks them ('' = no answer). */
function listOrder(contacts: SeededAccount['contacts'], keep: (score: number | null) => boolean = () => true): string[] {
  return contacts
    .map((c) => c.score)
    .filter(keep)
    .sort((a, b) => (a ?? 11) - (b ?? 11))
    .map((s) => (s === null ? '' : String(s)));
}

/** Rank of a row's latest score ('' = no answer), as a person reads the list. */
function rank(score: string): number {
  if (score === '') return 4;
  const n = Number(score);
  return n <= 3 ? 0 : n <= 6 ? 1 : n <= 8 ? 2 : 3;
}

const steady = () => new Promise((done) => setTimeout(done, 800));

const fmt = (n: number) => n.toLocaleString('en');

export async function bigAccountContactsAreWorkable(t: E2E, page: Page, expected: SegmentCounts, seeded: SeededAccount, screenshotName: string): Promise<void> {
  const frame = await panelFrame(page);
  const list = frame.locator('section', { has: frame.getByRole('heading', { name: `${expected.total.toLocaleString('en')} contacts` }) }).last();
  const scores = () => list.locator('li.contact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ll-contact-score') ?? ''));
  const names = () => list.locator('li.contact-row .contact-name').allTextContents();

  // The list loads after the account's figures: a person sees its chips come.
  await list.getByRole('group', { name: 'Show contacts' }).waitFor();
  const chips = list.getByRole('group', { name: 'Show contacts' }).getByRole('button');
  assert.deepEqual(await chips.allTextContents(), [
    `All (${fmt(expected.total)})`,
    `Detractors (${fmt(expected.detractors)})`,
    `Passives (${fmt(expected.passives)})`,
    `Promoters (${fmt(expected.promoters)})`,
    `No answer (${fmt(expected.none)})`,
  ]);

  // The first page is the CRM's: the lowest scores of the whole account, not of the contacts the view read.
  await frame.waitForFunction((n) => document.querySelectorAll('li.contact-row').length === n, 25);
  const first = await scores();
  assert.deepEqual(first, listOrder(seeded.contacts).slice(0, 25), 'the whole account, lowest score first');
  const ranks = first.map(rank);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `detractors first, then passives, promoters, no answer: ${first.join(',')}`);
  assert.equal((await list.getByRole('note').textContent()) ?? '', `Sorted, filtered and searched by ${seeded.crm} across all ${fmt(expected.total)} contacts.`);

  // As a person would: look, then choose the detractors — the CRM's first detractors of the whole account.
  await steady();
  await chips.filter({ hasText: /^Detractors/ }).click();
  const isDetractor = (s: number | null) => s !== null && s <= 6;
  await frame.waitForFunction(() => {
    const rows = [...document.querySelectorAll('li.contact-row')];
    return rows.length > 0 && rows.every((r) => r.getAttribute('data-ll-contact-segment') === 'detractor');
  });
  assert.equal(await chips.filter({ hasText: /^Detractors/ }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await scores(), listOrder(seeded.contacts, isDetractor).slice(0, 25), '0–3 before 4–6, the account’s lowest first');
  assert.equal(await list.getByRole('status').textContent(), `${fmt(expected.detractors)} contacts match`);
  // The chips, the search and the filtered list pass axe in both themes.
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(frame, `${screenshotName}, detractors (${scheme})`);
  }
  await list.getByRole('group', { name: 'Show contacts' }).scrollIntoViewIfNeeded();
  await t.screenshot(page, screenshotName);

  // Paging stays: "Show more" asks the CRM for the next detractors, by keyboard too.
  const more = list.getByRole('button', { name: /^Show 25 more of / });
  await more.focus();
  await page.keyboard.press('Enter');
  await frame.waitForFunction(() => document.querySelectorAll('li.contact-row').length === 50);
  assert.deepEqual(await scores(), listOrder(seeded.contacts, isDetractor).slice(0, 50));

  await chips.filter({ hasText: /^All/ }).click();
  await frame.waitForFunction(() => document.querySelectorAll('li.contact-row').length === 25);
  // A contact the view never read, typed in lower case, is found by the CRM among the whole account.
  const wanted = seeded.unread.name;
  const box = list.getByRole('searchbox', { name: 'Find a contact by name' });
  await box.fill(wanted.toLocaleLowerCase());
  await frame.waitForFunction(
    (name) => {
      const shown = [...document.querySelectorAll('li.contact-row .contact-name')].map((n) => n.textContent ?? '');
      return shown.length > 0 && shown.every((n) => n.toLocaleLowerCase().includes(name.toLocaleLowerCase()));
    },
    wanted,
  );
  assert.ok((await names()).some((n) => n.startsWith(wanted)), `${wanted} is found`);
  const matching = seeded.contacts.filter((c) => c.name.toLocaleLowerCase().includes(wanted.toLocaleLowerCase())).length;
  assert.equal(await list.getByRole('status').textContent(), matching === 1 ? '1 contact matches' : `${matching} contacts match`);
  await expectAccessible(frame, `${screenshotName}, a name found`);
  await t.screenshot(page, `${screenshotName}-search`);

  await box.fill('zzqx nobody');
  await box.press('Enter');
  await frame.waitForFunction(() => document.querySelector('.contact-list-status')?.textContent === 'No contacts match “zzqx nobody” in the whole account.');
  assert.equal(await list.locator('li.contact-row').count(), 0);
}
