// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountContactsPage, ListedContact } from '../../core/account-contacts';
import type { Reply } from '../../core/protocol';
import type { RecordContext } from '../../core/schema';
import { saveRecordContext } from '../../core/store';
import { DEFAULT_SETTINGS, type Settings } from '../../core/settings';
import { DAY, NOW, account, companyRef, contact, context, counts, freshDb, response, showRecordPanel, testHost, untilAccountDetails, type TestHost } from './panel-helpers';

// A large account's contact list as the CRM lists it: the panel asks the background for each page of each question
// (chip, search, "Show more") and shows loading, nothing found, a failure and the CRM being busy in words.

afterEach(cleanup);

// 2,500 contacts; the CRM counted 1,200 promoters, 800 passives, 300 detractors. Read by the view: 40 contacts.
const big: Partial<RecordContext> = {
  account: account({ contactCount: 2500 }),
  accountCounts: counts({ promoters: 1200, passives: 800, detractors: 300, respondents: 2300 }),
  contacts: Array.from({ length: 40 }, (_, i) => contact(`c${i}`, { name: `Person ${String(i).padStart(2, '0')}` })),
  responses: Array.from({ length: 40 }, (_, i) => response(`c${i}`, 9, NOW - (i + 1) * DAY)),
};

/** Contacts as the CRM lists them: ids from `from`, each with its score. */
function listed(from: number, scores: Array<number | null>, name = (i: number) => `Listed ${i}`): ListedContact[] {
  return scores.map((score, i) => ({ contact: contact(`l${from + i}`, { name: name(from + i) }), score, answeredAt: score === null ? null : NOW - DAY }));
}
const page = (rows: ListedContact[], total: number, cursor: string | null): Reply<AccountContactsPage> => ({ ok: true, value: { status: 'listed', rows, total, cursor } });

async function showBig(host: TestHost, settings?: Settings) {
  const db = freshDb();
  await saveRecordContext(db, context(companyRef, { title: 'Northwind', ...big }));
  const utils = await showRecordPanel(db, host, companyRef, ['ready']);
  await untilAccountDetails(utils.container);
  return { ...utils, list: () => screen.getByRole('heading', { name: settings ? /2\s?500/ : '2,500 contacts' }).closest('section') as HTMLElement };
}
const scoresShown = (list: HTMLElement) => [...list.querySelectorAll('.contact-row')].map((li) => li.getAttribute('data-ll-contact-score'));

describe('a big account’s contacts, listed by the CRM', () => {
  it('shows the CRM’s first page of the whole account, then its detractors, and pages on', async () => {
    const host = testHost();
    host.listAccountContacts.mockImplementation(async (_ref, query, cursor) => {
      if (query.segment === null) return page(listed(0, Array<number>(25).fill(0)), 2500, '{"all":25}');
      if (cursor === null) return page(listed(100, [...Array<number>(20).fill(1), ...Array<number>(5).fill(4)]), 300, '{"d":25}');
      return page(listed(200, Array<number>(25).fill(5)), 300, '{"d":50}');
    });
    const { list } = await showBig(host);
    await waitFor(() => expect(scoresShown(list())).toEqual(Array<string>(25).fill('0')));
    expect(host.listAccountContacts).toHaveBeenLastCalledWith(companyRef, { segment: null, search: '' }, null);
    expect(within(list()).getByRole('note').textContent).toBe('Sorted, filtered and searched by HubSpot across all 2,500 contacts.');

    fireEvent.click(within(list()).getByRole('button', { name: 'Detractors (300)' }));
    await waitFor(() => expect(scoresShown(list())).toEqual([...Array<string>(20).fill('1'), ...Array<string>(5).fill('4')]));
    expect(host.listAccountContacts).toHaveBeenLastCalledWith(companyRef, { segment: 'detractor', search: '' }, null);
    expect(within(list()).getByRole('status').textContent).toBe('300 contacts match');

    fireEvent.click(within(list()).getByRole('button', { name: 'Show 25 more of 300' }));
    await waitFor(() => expect(scoresShown(list())).toHaveLength(50));
    expect(host.listAccountContacts).toHaveBeenLastCalledWith(companyRef, { segment: 'detractor', search: '' }, '{"d":25}');
    expect(scoresShown(list()).slice(25)).toEqual(Array<string>(25).fill('5'));
  });

  it('asks once the typing pauses, not per keystroke, and says when nothing in the whole account matches', async () => {
    const host = testHost();
    host.listAccountContacts.mockImplementation(async (_ref, query) =>
      query.search === '' ? page(listed(0, Array<number>(25).fill(0)), 2500, 'c') : query.search === 'öz' ? page(listed(0, [3, null], () => 'Emre Öztürk'), 2, null) : page([], 0, null),
    );
    const { list } = await showBig(host);
    await waitFor(() => expect(scoresShown(list())).toHaveLength(25));
    const search = within(list()).getByRole('searchbox', { name: 'Find a contact by name' });
    fireEvent.change(search, { target: { value: 'ö' } });
    fireEvent.change(search, { target: { value: 'öz' } });
    await waitFor(() => expect(scoresShown(list())).toEqual(['3', '']));
    const searches = host.listAccountContacts.mock.calls.filter(([, query]) => query.search !== '');
    expect(searches.map(([, query]) => query.search)).toEqual(['öz']);
    expect(within(list()).getByRole('status').textContent).toBe('2 contacts match');

    // Enter asks at once.
    fireEvent.change(search, { target: { value: 'nobody' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    await waitFor(() => expect(within(list()).getByRole('status').textContent).toBe('No contacts match “nobody” in the whole account.'));
    expect(scoresShown(list())).toEqual([]);
  });

  it('says it is asking while the CRM answers', async () => {
    const host = testHost();
    let answer: (reply: Reply<AccountContactsPage>) => void = () => undefined;
    host.listAccountContacts.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const { list } = await showBig(host);
    await waitFor(() => expect(within(list()).getByRole('status').textContent).toBe('Asking HubSpot for the contacts…'));
    expect(list().querySelector('.contact-list')?.getAttribute('aria-busy')).toBe('true');
    act(() => answer(page(listed(0, [2]), 1, null)));
    await waitFor(() => expect(scoresShown(list())).toEqual(['2']));
    expect(list().querySelector('.contact-list')?.getAttribute('aria-busy')).toBe('false');
  });

  it('says when the CRM is busy, and tries again on request', async () => {
    const host = testHost();
    host.listAccountContacts.mockResolvedValueOnce({ ok: false, error: { kind: 'rate-limit', message: 'HubSpot: You have reached your secondly limit.' } });
    host.listAccountContacts.mockResolvedValue(page(listed(0, [1, 2]), 2, null));
    const { list } = await showBig(host);
    const alert = await within(list()).findByRole('alert');
    expect(alert.textContent).toContain('HubSpot is answering too many searches right now. Try again in a few seconds.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(scoresShown(list())).toEqual(['1', '2']));
    expect(within(list()).queryByRole('alert')).toBeNull();
  });

  it('names any other failure in the CRM’s words, keeping the rows already shown', async () => {
    const host = testHost();
    host.listAccountContacts.mockResolvedValueOnce(page(listed(0, Array<number>(25).fill(0)), 2500, 'next'));
    host.listAccountContacts.mockResolvedValueOnce({ ok: false, error: { kind: 'network', message: 'HubSpot could not be reached. Check the connection.' } });
    const { list } = await showBig(host);
    await waitFor(() => expect(scoresShown(list())).toHaveLength(25));
    fireEvent.click(within(list()).getByRole('button', { name: 'Show 25 more of 2,500' }));
    const alert = await within(list()).findByRole('alert');
    expect(alert.textContent).toContain('HubSpot could not list the contacts: HubSpot could not be reached. Check the connection.');
    expect(scoresShown(list())).toHaveLength(25);
  });

  it('where the CRM cannot list by the latest score, lists the contacts read and says why', async () => {
    const host = testHost();
    const { list } = await showBig(host);
    await waitFor(() => expect(within(list()).getByRole('note').textContent).toMatch(/^HubSpot can sort and search the whole account once an admin adds the latest-NPS contact field/));
    expect(scoresShown(list())).toHaveLength(25);
  });

  it('speaks Russian', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, language: 'ru' } };
    const host = testHost({ settings, languages: ['ru-RU'] });
    host.listAccountContacts.mockResolvedValue(page([], 0, null));
    const { list } = await showBig(host, settings);
    await waitFor(() => expect(within(list()).getByRole('note').textContent).toMatch(/^HubSpot сортирует, фильтрует и ищет среди всех 2\s500 контактов\.$/));
    fireEvent.click(within(list()).getByRole('button', { name: /^Критики/ }));
    await waitFor(() => expect(within(list()).getByRole('status').textContent).toBe('Во всей компании нет контактов в этой группе.'));
  });
});
