// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveRecordContext } from '../../core/store';
import type { RecordRef } from '../../core/schema';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { DAY, HOUR, NOW, account, contact, contactRef, context, followUp, freshDb, response, showRecordPanel, testHost } from './panel-helpers';

// The panel in the order a person works: the record's name, then "Needs you now", then the scores, history and
// answers, then the account. Sections fold and the panel remembers it. Folded into the page's edge, it is a slim tab.

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// A CSAT answer of its kind's latest, unhappy and without a follow-up; the latest NPS has its ticket.
const unhappy = response('101', 1, NOW - 2 * DAY, { kind: 'csat', scaleMax: 5, comment: 'Nobody called back' });
const followedUp = response('101', 5, NOW - 40 * HOUR);

async function seedContact() {
  const db = freshDb();
  await saveRecordContext(
    db,
    context(contactRef, {
      title: 'Contact 101 (page title)',
      account: account(),
      focusContactKeys: [contact('101').key],
      contacts: [contact('101', { name: 'Dana Detractor' })],
      responses: [unhappy, followedUp].sort((a, b) => a.submittedAt - b.submittedAt),
      followUps: [followUp('t-1', { contactKey: contact('101').key, responseKey: followedUp.key, title: 'Call Dana back', ownerName: 'Olga Support' })],
    }),
  );
  return db;
}

function before(a: Element, b: Element): boolean {
  return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
}

describe('panel layout', () => {
  it('orders by what a person does next: name, needs you now, scores, history, responses, account', async () => {
    const db = await seedContact();
    await showRecordPanel(db, testHost(), contactRef);
    const name = screen.getByRole('heading', { level: 2, name: 'Dana Detractor' });
    const needs = screen.getByRole('heading', { level: 2, name: 'Needs you now' });
    const scores = screen.getByText('Latest NPS');
    const history = screen.getByRole('heading', { name: 'History' });
    const responses = screen.getByRole('heading', { name: '2 responses' });
    const account = screen.getByRole('heading', { level: 2, name: 'Account: Acme Corp' });
    const order = [name, needs, scores, history, responses, account];
    for (let i = 1; i < order.length; i++) expect(before(order[i - 1]!, order[i]!)).toBe(true);
  });

  it('puts the open follow-up with its clock, priority, owner and a real Log outcome button first, and offers a follow-up for the unhappy answer without one', async () => {
    const db = await seedContact();
    await showRecordPanel(db, testHost(), contactRef);
    const section = screen.getByRole('heading', { level: 2, name: 'Needs you now' }).closest('section') as HTMLElement;
    const [open, unfollowed] = within(section).getAllByRole('listitem');
    expect(open?.textContent).toContain('Call Dana back');
    expect(open?.textContent).toContain('Priority: high');
    expect(open?.textContent).toContain('Owner: Olga Support');
    // Her own page names her once, in its heading, not again on each of her follow-ups.
    expect(open?.textContent).not.toContain('Dana Detractor');
    // 40 h after a detractor's answer, its 48-h SLA has 8 h left.
    expect(open?.querySelector('.sla')?.textContent).toBe('Due in 8h');
    const log = within(open as HTMLElement).getByRole('button', { name: 'Log outcome' });
    expect(log.className).toContain('button');
    expect(unfollowed?.textContent).toContain('Unhappy answer with no follow-up yet');
    expect(unfollowed?.textContent).toContain('Nobody called back');
    expect(within(unfollowed as HTMLElement).getByRole('button', { name: 'Open a follow-up in HubSpot' })).toBeTruthy();
  });

  it('folds a section and remembers it for the next panel', async () => {
    const db = await seedContact();
    const host = testHost();
    const first = await showRecordPanel(db, host, contactRef);
    const fold = screen.getByRole('button', { name: 'Needs you now' });
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('false');
    expect(document.querySelector('.follow-ups .log-outcome')?.closest('[hidden]')).toBeTruthy();
    expect(host.folded).toEqual(['needs']);
    first.unmount();
    const again = testHost();
    again.folded = ['needs'];
    await showRecordPanel(db, again, contactRef);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Needs you now' }).getAttribute('aria-expanded')).toBe('false'));
  });

  it('on a deal, names the deal from the CRM, and says which contact and account it is about and why', async () => {
    const dealRef: RecordRef = { ...contactRef, objectType: 'deal', id: '555' };
    const db = freshDb();
    await saveRecordContext(
      db,
      context(dealRef, {
        title: 'Acme renewal 2027',
        account: account(),
        focusContactKeys: [contact('101').key],
        contacts: [contact('101', { name: 'Dana Detractor' })],
        responses: [unhappy],
      }),
    );
    await showRecordPanel(db, testHost(), dealRef);
    expect(screen.getByText('Deal')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Acme renewal 2027' })).toBeTruthy();
    expect(screen.getByText('About Dana Detractor · Acme Corp')).toBeTruthy();
    expect(screen.getByText('The contacts on this deal and their company: their answers show the risk to it.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: 'Dana Detractor' })).toBeTruthy();
  });

  it('folded into the page’s edge, shows a slim tab with the segment and the open follow-ups, which opens the panel', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query.includes('max-width'), addEventListener: () => undefined, removeEventListener: () => undefined }));
    const db = await seedContact();
    const openInPage = vi.fn();
    const host = testHost({ pageHosted: true });
    host.openInPage = openInPage;
    const { root } = await showRecordPanel(db, host, contactRef);
    expect(root().className).toContain('slim');
    const tab = screen.getByRole('button', { name: 'Open Loyalty Lens: Loyalty Lens; NPS 5, Detractor; 1 open follow-up' });
    expect(tab.textContent).toContain('1 open');
    // The segment in words beside its score, not a bare number that reads as a count.
    expect(tab.querySelector('.slim-segment')?.textContent).toBe('Detractor');
    expect(screen.queryByRole('heading', { name: 'Needs you now' })).toBeNull();
    fireEvent.click(tab);
    expect(openInPage).toHaveBeenCalledOnce();
  });
});

describe('words, not codes', () => {
  const ALLOWED_CAPS = new Set(['NPS', 'CSAT', 'CES', 'SMS', 'CRM']);
  const codes = (text: string) =>
    [...text.matchAll(/\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b|\b[A-Z]{3,}\b/g)].map((m) => m[0]).filter((word) => !ALLOWED_CAPS.has(word));

  it.each(['en', 'ru'] as const)('lets no ALL_CAPS or snake_case value of the CRM reach the panel (%s)', async (language) => {
    const db = freshDb();
    const channelled = response('101', 3, NOW - DAY, { channel: 'EMAIL', comment: 'Slow' });
    const other = response('101', 8, NOW - 3 * DAY, { channel: 'IN_APP_SURVEY' });
    await saveRecordContext(
      db,
      context(contactRef, {
        account: account(),
        focusContactKeys: [contact('101').key],
        contacts: [contact('101', { name: 'Dana Detractor' })],
        responses: [other, channelled],
        followUps: [followUp('t-1', { contactKey: contact('101').key, responseKey: channelled.key, statusLabel: 'NOT_STARTED' })],
      }),
    );
    const settings = { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, language } };
    const { root } = await showRecordPanel(db, testHost({ settings }), contactRef);
    await waitFor(() => expect(root().getAttribute('lang')).toBe(language));
    const text = root().textContent ?? '';
    expect(codes(text)).toEqual([]);
    expect(text).toContain(language === 'en' ? 'via email' : 'канал: эл. почта');
    expect(text).toContain('In app survey');
    expect(text).toContain(language === 'en' ? 'Not started' : 'Не начата');
  });

  it('keeps every visible string of the panel’s components in the locale files (no text written into the markup)', () => {
    const sources = import.meta.glob('../../components/{panel,outcome,ui}/*.tsx', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    const literal = /(>\s*[A-Za-zА-Яа-яЁё][^<>{}=]*<\/)|((?:title|aria-label|placeholder|alt)="[A-Za-zА-Яа-я])/;
    const offenders = Object.entries(sources)
      .filter(([, source]) => literal.test(source))
      .map(([file]) => file);
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
