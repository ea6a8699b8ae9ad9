// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoyaltyLensDb } from '../../core/db';
import type { LoopRecord } from '../../core/schema';
import { saveLoopHistory, saveRecordContext } from '../../core/store';
import { DAY, NOW, contact, contactRef, context, freshDb, loop, response, showRecordPanel, testHost, type TestHost } from './panel-helpers';

afterEach(cleanup);

const ada = contact('101', { name: 'Ada Lovelace' });

/** A HubSpot contact view as the search-only read leaves it: everything but the team's loop notes. */
async function seedView(db: LoyaltyLensDb) {
  await saveRecordContext(
    db,
    context(contactRef, {
      title: 'Ada Lovelace',
      focusContactKeys: [ada.key],
      contacts: [ada],
      responses: [response('101', 3, NOW - 20 * DAY, { comment: 'Invoices keep going wrong' })],
      loops: null,
    }),
  );
}

/** The background's answer to "loops.load": it stores what HubSpot has, and the live data follows. */
function answerWith(host: TestHost, db: LoyaltyLensDb, loops: LoopRecord[]) {
  host.loadLoopHistory.mockImplementation(async (ref) => {
    await saveLoopHistory(db, ref, [ada.key], loops, NOW);
    return { ok: true as const, value: { readAt: NOW } };
  });
}

const showButton = () => screen.getByRole('button', { name: 'Show recent contacts from HubSpot' });

describe('recent contacts (the team’s loop history)', () => {
  it('a view read without them offers one click, and then lists them newest first', async () => {
    const db = freshDb();
    await seedView(db);
    const host = testHost();
    answerWith(host, db, [loop('101', NOW - 2 * DAY, { id: 'n2', summary: 'Left a voicemail' }), loop('101', NOW - DAY, { id: 'n1', summary: 'Refund agreed' })]);
    await showRecordPanel(db, host, contactRef);
    expect(host.loadLoopHistory).not.toHaveBeenCalled();
    fireEvent.click(showButton());
    expect(host.loadLoopHistory).toHaveBeenCalledWith(contactRef);
    const region = await screen.findByRole('region', { name: 'Recent contacts' });
    await waitFor(() => expect(region.querySelectorAll('.loop-list li')).toHaveLength(2));
    expect([...region.querySelectorAll('.loop-list li')].map((li) => li.textContent)).toEqual([
      expect.stringContaining('Refund agreed'),
      expect.stringContaining('Left a voicemail'),
    ]);
    expect(screen.queryByRole('button', { name: /Show recent contacts/ })).toBeNull();
  });

  it('says so when HubSpot has none', async () => {
    const db = freshDb();
    await seedView(db);
    const host = testHost();
    answerWith(host, db, []);
    await showRecordPanel(db, host, contactRef);
    fireEvent.click(showButton());
    expect(await screen.findByText('No close-the-loop contact logged in HubSpot yet.')).toBeTruthy();
  });

  it('a failed read says why in plain words, and the button stays for another try', async () => {
    const db = freshDb();
    await seedView(db);
    const host = testHost();
    host.loadLoopHistory.mockResolvedValue({ ok: false, error: { kind: 'network', message: 'HubSpot cannot be reached. Check your connection.' } });
    await showRecordPanel(db, host, contactRef);
    fireEvent.click(showButton());
    expect((await screen.findByRole('alert')).textContent).toBe('The recent contacts were not read: HubSpot cannot be reached. Check your connection.');
    expect(showButton().hasAttribute('disabled')).toBe(false);
  });

  it('offers it in Russian', async () => {
    const db = freshDb();
    await seedView(db);
    await showRecordPanel(db, testHost({ languages: ['ru-RU'] }), contactRef);
    expect(screen.getByRole('button', { name: 'Показать последние контакты из HubSpot' })).toBeTruthy();
  });

  it('call mode reads them with the view, once, for “since the last contact”', async () => {
    const db = freshDb();
    await seedView(db);
    const host = testHost({ callMode: true });
    answerWith(host, db, [loop('101', NOW - 10 * DAY)]);
    const { container } = await showRecordPanel(db, host, contactRef);
    await waitFor(() => expect(container.querySelector('.call-card')?.textContent).toContain('Since then'));
    expect(host.loadLoopHistory).toHaveBeenCalledTimes(1);
  });

  it('in call mode, a failed read is said on the card with a retry, and asked once however often the mode is toggled', async () => {
    const db = freshDb();
    await seedView(db);
    const host = testHost({ callMode: true });
    host.loadLoopHistory.mockResolvedValueOnce({ ok: false, error: { kind: 'network', message: 'HubSpot cannot be reached. Check your connection.' } });
    const { container } = await showRecordPanel(db, host, contactRef);
    expect((await screen.findByRole('alert')).textContent).toContain('The recent contacts were not read: HubSpot cannot be reached. Check your connection.');
    const toggle = screen.getByRole('button', { name: 'Call mode' });
    fireEvent.click(toggle);
    fireEvent.click(toggle);
    expect(host.loadLoopHistory).toHaveBeenCalledTimes(1);
    answerWith(host, db, [loop('101', NOW - 10 * DAY)]);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(container.querySelector('.call-card')?.textContent).toContain('Since then'));
    expect(host.loadLoopHistory).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
