// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUSH_TIMEOUT_MS } from '../../components/panel/PanelApp';
import { markRefreshFailed, markRefreshing, saveRecordContext } from '../../core/store';
import { refKey } from '../../core/schema';
import { loadPanelData } from '../../core/panel-data';
import { CONTACT_PAGE } from '../../core/page-sizes';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { NOW, HOUR, DAY, companyRef, contact, contactRef, context, freshDb, renderPanel, response, testHost } from './panel-helpers';

afterEach(cleanup);

function pushRecord(host: ReturnType<typeof testHost>, ref = contactRef, pageUrl = 'https://app.hubspot.com/contacts/12345/record/0-1/101') {
  act(() => host.port().push({ type: 'record', ref, pageUrl }));
}

const state = (root: HTMLElement) => root.getAttribute('data-ll-state');

describe('panel states', () => {
  it('shows a loading skeleton until the background pushes a record, then a record-less message', async () => {
    const db = freshDb();
    const host = testHost();
    const { root } = renderPanel(db, host);
    expect(state(root())).toBe('loading');
    expect(screen.getByText('Loading loyalty context…').closest('[role="status"]')?.getAttribute('aria-busy')).toBe('true');
    await waitFor(() => expect(host.ports.length).toBe(1));
    act(() => host.port().push({ type: 'record', ref: null, pageUrl: 'https://app.hubspot.com/reports' }));
    await waitFor(() => expect(state(root())).toBe('no-record'));
    expect(screen.getByText('Open a contact, company, deal or ticket to see its loyalty context.')).toBeTruthy();
    expect(root().getAttribute('data-ll-record')).toBe('');
    expect(host.refresh).not.toHaveBeenCalled();
  });

  it('says so in plain words when the background never says which record the page shows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const host = testHost();
      const { root } = renderPanel(freshDb(), host);
      expect(host.ports.length).toBe(1);
      act(() => vi.advanceTimersByTime(PUSH_TIMEOUT_MS - 1));
      expect(state(root())).toBe('loading');
      act(() => vi.advanceTimersByTime(1));
      expect(state(root())).toBe('error');
      expect(screen.getByRole('alert').textContent).toContain('Loyalty Lens did not answer. Reload the page');
    } finally {
      vi.useRealTimers();
    }
  });

  it('watches the pushed record and stays loading until the background’s refresh lands, without a jump', async () => {
    const db = freshDb();
    const host = testHost();
    const { root, container } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(host.port().watched.at(-1)?.ref).toEqual(contactRef));
    // The background refreshes a record when it tells the panel about it; the panel does not ask twice.
    expect(host.refresh).not.toHaveBeenCalled();
    expect(root().getAttribute('data-ll-record')).toBe(refKey(contactRef));
    await markRefreshing(db, contactRef);
    await waitFor(() => expect(container.querySelector('.skeleton')).toBeTruthy());
    expect(state(root())).toBe('loading');

    await saveRecordContext(
      db,
      context(contactRef, {
        title: 'Ada Lovelace',
        focusContactKeys: [contact('101').key],
        contacts: [contact('101', { name: 'Ada Lovelace' })],
        responses: [response('101', 9, NOW - DAY)],
      }),
    );
    await waitFor(() => expect(state(root())).toBe('ready'));
    expect(container.querySelector('.skeleton')).toBeNull();
    expect(screen.getByRole('heading', { level: 2, name: 'Ada Lovelace' })).toBeTruthy();
  });

  it('says "No survey responses yet" for a record without answers', async () => {
    const db = freshDb();
    await saveRecordContext(db, context(contactRef, { focusContactKeys: [contact('101').key], contacts: [contact('101', { name: 'Quiet Person' })] }));
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('empty'));
    expect(screen.getByText('No survey responses yet')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Quiet Person' })).toBeTruthy();
  });

  it('links to the options page when the CRM is not connected', async () => {
    const db = freshDb();
    await markRefreshFailed(db, contactRef, { kind: 'not-connected', message: 'Connect HubSpot first.' }, NOW);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('not-configured'));
    expect(screen.getByText('Loyalty Lens is not connected to HubSpot yet.')).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open settings to connect' });
    expect(link.getAttribute('href')).toBe('chrome-extension://test/options.html');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('asks for the host permission of the page origin and refreshes once granted', async () => {
    const db = freshDb();
    const ref = { crm: 'salesforce' as const, instance: 'acme.my.salesforce.com', objectType: 'contact' as const, id: '003000000000001AAA' };
    await markRefreshFailed(db, ref, { kind: 'permission', message: 'Allow access' }, NOW);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host, ref, 'https://crm.acme.example/lightning/r/Contact/003000000000001AAA/view');
    await waitFor(() => expect(state(root())).toBe('permission'));
    expect(host.refresh).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Allow access to this site' }));
    await waitFor(() => expect(host.requestPermission).toHaveBeenCalledWith('https://crm.acme.example/*'));
    await waitFor(() => expect(host.refresh).toHaveBeenCalledWith(ref));
  });

  it('shows cached data with its age when the CRM cannot be reached', async () => {
    const db = freshDb();
    await saveRecordContext(
      db,
      context(contactRef, {
        focusContactKeys: [contact('101').key],
        contacts: [contact('101', { name: 'Ada Lovelace' })],
        responses: [response('101', 3, NOW - 2 * DAY)],
        fetchedAt: NOW - 3 * HOUR,
      }),
    );
    await markRefreshFailed(db, contactRef, { kind: 'network', message: 'Offline' }, NOW);
    const host = testHost();
    const { root, container } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('offline'));
    expect(screen.getByText('HubSpot cannot be reached right now.')).toBeTruthy();
    expect(screen.getByText('Showing saved data from 3 hours ago.')).toBeTruthy();
    expect(container.querySelector('[data-ll-figure="contact-latest-score"]')?.getAttribute('data-ll-value')).toBe('3');
  });

  it('explains an error in plain words and retries', async () => {
    const db = freshDb();
    await markRefreshFailed(db, contactRef, { kind: 'not-found', message: 'Gone' }, NOW);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('error'));
    expect(screen.getByRole('alert').textContent).toContain('This record no longer exists in HubSpot: it was deleted or merged.');
    expect(screen.queryByText(/Error:|at .*\.ts/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(host.refresh).toHaveBeenCalledWith(contactRef));
  });

  it('offers the settings beside Try again when only the settings can mend the error', async () => {
    const db = freshDb();
    await markRefreshFailed(db, contactRef, { kind: 'auth', message: 'Revoked' }, NOW);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('error'));
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Open settings' });
    expect(link.getAttribute('href')).toBe('chrome-extension://test/options.html');
  });

  it('offers no settings for an error the settings cannot mend', async () => {
    const db = freshDb();
    await markRefreshFailed(db, contactRef, { kind: 'not-found', message: 'Gone' }, NOW);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('error'));
    expect(screen.queryByRole('link', { name: 'Open settings' })).toBeNull();
  });

  it('shows an error when a retry gets no proper answer from the background', async () => {
    const db = freshDb();
    await markRefreshFailed(db, contactRef, { kind: 'timeout', message: 'Slow' }, NOW);
    const host = testHost();
    host.refresh.mockResolvedValue({ ok: false, error: { kind: 'internal', message: 'The extension is restarting.' } });
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(state(root())).toBe('offline'));
    await saveRecordContext(db, context(contactRef, { title: 'Ada Lovelace' }));
    await waitFor(() => expect(state(root())).not.toBe('offline'));
    await markRefreshFailed(db, contactRef, { kind: 'timeout', message: 'Slow' }, NOW);
    await waitFor(() => expect(state(root())).toBe('offline'));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(host.refresh).toHaveBeenCalledOnce());
  });

  it('follows SPA navigation to another record and reconnects when the port drops', async () => {
    const db = freshDb();
    await saveRecordContext(db, context(companyRef, { title: 'Acme Corp' }));
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    pushRecord(host);
    await waitFor(() => expect(root().getAttribute('data-ll-record')).toBe(refKey(contactRef)));
    act(() => host.port().drop());
    await waitFor(() => expect(host.ports.length).toBe(2), { timeout: 2000 });
    pushRecord(host, companyRef, 'https://app.hubspot.com/contacts/12345/record/0-2/900');
    await waitFor(() => expect(root().getAttribute('data-ll-record')).toBe(refKey(companyRef)));
    await waitFor(() => expect(host.port().watched.at(-1)?.ref).toEqual(companyRef));
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: 'Acme Corp' })).toBeTruthy());
  });

  it('shows what the background pushed before its code ran at its first render, with no loading state between', async () => {
    const db = freshDb();
    await saveRecordContext(
      db,
      context(contactRef, { focusContactKeys: [contact('101').key], contacts: [contact('101', { name: 'Ada Lovelace' })], responses: [response('101', 9, NOW - DAY)] }),
    );
    const result = await loadPanelData(db, contactRef, DEFAULT_SETTINGS, NOW, CONTACT_PAGE);
    const host = testHost();
    host.heardAtStart = [
      { type: 'settings', settings: DEFAULT_SETTINGS, notices: [] },
      { type: 'record', ref: contactRef, pageUrl: 'https://app.hubspot.com/contacts/12345/record/0-1/101' },
      { type: 'data', key: refKey(contactRef), contactLimit: CONTACT_PAGE, result },
    ];
    const { root, container } = renderPanel(db, host);
    // No waiting: the very first render shows the record.
    expect(state(root())).toBe('ready');
    expect(root().getAttribute('data-ll-record')).toBe(refKey(contactRef));
    expect(container.querySelector('.skeleton')).toBeNull();
    expect(screen.getByRole('heading', { level: 2, name: 'Ada Lovelace' })).toBeTruthy();
  });

  it('shows a record pushed with its data at once, and what the query reads next', async () => {
    const db = freshDb();
    await saveRecordContext(db, context(companyRef, { title: 'Acme Corp' }));
    const known = await loadPanelData(db, companyRef, DEFAULT_SETTINGS, NOW, CONTACT_PAGE);
    const host = testHost();
    const { root } = renderPanel(db, host);
    await waitFor(() => expect(host.ports.length).toBe(1));
    // The background has the record's data at hand (the side panel turning back to it) and sends it with the record.
    await saveRecordContext(db, context(companyRef, { title: 'Acme Corporation' }));
    act(() => host.port().push({ type: 'record', ref: companyRef, pageUrl: null, result: known }));
    expect(root().getAttribute('data-ll-record')).toBe(refKey(companyRef));
    expect(screen.getByRole('heading', { level: 2, name: 'Acme Corp' })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: 'Acme Corporation' })).toBeTruthy());
  });
});
