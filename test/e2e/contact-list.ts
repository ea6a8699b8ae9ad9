import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { panelFrame } from './harness';
import type { E2E } from './types';

// A big account's contact list, the same in both CRMs: detractors first (0–3, then 4–6), passives, promoters, no
// answer; segment chips with the counts the CRM made; a name search among the contacts read.

export interface SegmentCounts {
  total: number;
  detractors: number;
  passives: number;
  promoters: number;
  none: number;
}

/** Rank of a row's latest score ('' = no answer), as a person reads the list. */
function rank(score: string): number {
  if (score === '') return 4;
  const n = Number(score);
  return n <= 3 ? 0 : n <= 6 ? 1 : n <= 8 ? 2 : 3;
}

const steady = () => new Promise((done) => setTimeout(done, 800));

export async function bigAccountContactsAreWorkable(t: E2E, page: Page, expected: SegmentCounts, screenshotName: string): Promise<void> {
  const frame = await panelFrame(page);
  const list = frame.locator('section', { has: frame.getByRole('heading', { name: `${expected.total.toLocaleString('en')} contacts` }) }).last();
  const scores = () => list.locator('li.contact-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ll-contact-score') ?? ''));
  const names = () => list.locator('li.contact-row .contact-name').allTextContents();

  const chips = list.getByRole('group', { name: 'Show contacts' }).getByRole('button');
  const fmt = (n: number) => n.toLocaleString('en');
  assert.deepEqual(await chips.allTextContents(), [
    `All (${fmt(expected.total)})`,
    `Detractors (${fmt(expected.detractors)})`,
    `Passives (${fmt(expected.passives)})`,
    `Promoters (${fmt(expected.promoters)})`,
    `No answer (${fmt(expected.none)})`,
  ]);

  const first = await scores();
  assert.ok(first.length > 0, 'the list shows contacts');
  const ranks = first.map(rank);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `detractors first, then passives, promoters, no answer: ${first.join(',')}`);
  assert.equal(first.length, 25, 'one page of contacts');
  assert.match((await list.getByRole('note').textContent()) ?? '', /^Sorted, filtered and searched among the [\d,]+ contacts read of [\d,]+; the CRM lists the rest\.$/);

  // As a person would: look, then choose the detractors.
  await steady();
  await chips.filter({ hasText: /^Detractors/ }).click();
  await frame.waitForFunction(() => {
    const rows = [...document.querySelectorAll('li.contact-row')];
    return rows.length > 0 && rows.every((r) => r.getAttribute('data-ll-contact-segment') === 'detractor');
  });
  assert.equal(await chips.filter({ hasText: /^Detractors/ }).getAttribute('aria-pressed'), 'true');
  // The chips, the search and the filtered list pass axe in both themes.
  for (const scheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(frame, `${screenshotName}, detractors (${scheme})`);
  }
  await list.getByRole('group', { name: 'Show contacts' }).scrollIntoViewIfNeeded();
  await t.screenshot(page, screenshotName);
  const detractorRanks = (await scores()).map(rank);
  assert.deepEqual(detractorRanks, [...detractorRanks].sort((a, b) => a - b), '0–3 before 4–6');

  // Paging stays: "Show more" adds to the filtered list.
  const more = list.getByRole('button', { name: /^Show \d+ more of / });
  if ((await more.count()) > 0) {
    const before = (await scores()).length;
    await more.click();
    await frame.waitForFunction((n) => document.querySelectorAll('li.contact-row').length > n, before);
  }

  await chips.filter({ hasText: /^All/ }).click();
  await frame.waitForFunction(() => document.querySelectorAll('li.contact-row').length === 25);
  // A name from further down the list, typed in lower case, finds that contact.
  const wanted = (await names())[20]!.split(' · ')[0]!.trim();
  await list.getByRole('searchbox', { name: 'Find a contact by name' }).fill(wanted.toLowerCase());
  await frame.waitForFunction(
    (name) => {
      const shown = [...document.querySelectorAll('li.contact-row .contact-name')].map((n) => n.textContent ?? '');
      return shown.length > 0 && shown.length < 25 && shown.every((n) => n.toLowerCase().includes(name.toLowerCase()));
    },
    wanted,
  );
  assert.ok((await names()).some((n) => n.startsWith(wanted)), `${wanted} is found`);
  assert.match((await list.getByRole('status').textContent()) ?? '', /^\d+ contacts? match(es)?$/);
}
