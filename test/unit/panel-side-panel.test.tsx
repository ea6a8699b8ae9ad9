// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { saveRecordContext } from '../../core/store';
import { account, contact, contactRef, context, freshDb, showRecordPanel, testHost } from './panel-helpers';

afterEach(cleanup);

async function showPanel(host = testHost()) {
  const db = freshDb();
  await saveRecordContext(db, context(contactRef, { title: 'Ada Lovelace', focusContactKeys: [contact('101').key], account: account(), contacts: [contact('101')] }));
  return showRecordPanel(db, host, contactRef, ['empty']);
}

describe('moving the panel to the side panel', () => {
  it('offers the move where the browser has a side panel, and asks for it on click', async () => {
    const host = Object.assign(testHost(), { openSidePanel: vi.fn(async () => undefined) });
    await showPanel(host);
    const button = screen.getByRole('button', { name: 'Side panel' });
    expect(button.getAttribute('title')).toContain('stays open while you move between records');
    fireEvent.click(button);
    expect(host.openSidePanel).toHaveBeenCalledTimes(1);
    await act(async () => host.openSidePanel.mock.results[0]?.value);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so in words when the browser refuses, and clears it on the next try', async () => {
    const host = Object.assign(testHost(), { openSidePanel: vi.fn(async (): Promise<void> => Promise.reject(new Error('may only be called in response to a user gesture'))) });
    await showPanel(host);
    fireEvent.click(screen.getByRole('button', { name: 'Side panel' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The browser did not open its side panel. The Loyalty Lens toolbar button opens it too.');
    expect(alert.textContent).not.toContain('gesture');
    host.openSidePanel.mockImplementationOnce(async () => undefined);
    fireEvent.click(screen.getByRole('button', { name: 'Side panel' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('is not offered when the host has no side panel to move to (browserHost: Firefox, Chrome before 142, or the side panel itself)', async () => {
    await showPanel(testHost());
    expect(screen.getByRole('button', { name: 'Call mode' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Side panel' })).toBeNull();
  });

  it('speaks Russian too', async () => {
    await showPanel(Object.assign(testHost({ languages: ['ru-RU'] }), { openSidePanel: vi.fn(async () => undefined) }));
    expect(screen.getByRole('button', { name: 'Боковая панель' })).toBeTruthy();
  });
});
