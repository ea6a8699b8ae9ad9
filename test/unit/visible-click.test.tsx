// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useVisibleClick, watchPanelSight } from '../../components/ui/visible-click';
import { I18nProvider } from '../../components/panel/i18n-context';
import { createI18n } from '../../core/i18n';
import { ru } from '../../core/locales/ru';
import { OpenFollowUp } from '../../components/panel/OpenFollowUp';
import type { OutcomeActions } from '../../components/outcome/actions';
import type { SurveyResponse } from '../../core/schema';

// The browser's IntersectionObserver v2 answer, as the test sets it: isVisible true/false, or absent (Firefox).
let browserSays: boolean | undefined = true;
const observers = new Set<FakeObserver>();

class FakeObserver {
  constructor(
    private readonly callback: IntersectionObserverCallback,
    readonly options: IntersectionObserverInit & { trackVisibility?: boolean; delay?: number },
  ) {}
  observe() {
    observers.add(this);
    // Like the browser: a first notification with the current state, after the current task.
    setTimeout(() => this.notify(), 0);
  }
  disconnect() {
    observers.delete(this);
  }
  notify() {
    if (!observers.has(this)) return;
    const entry = { isIntersecting: true, ...(browserSays === undefined ? {} : { isVisible: browserSays }) } as unknown as IntersectionObserverEntry;
    this.callback([entry], this as unknown as IntersectionObserver);
  }
}

function Harness(props: { onAct: () => void }) {
  const guard = useVisibleClick();
  return (
    <div>
      <button type="button" onClick={() => guard.act('save this outcome to HubSpot', props.onAct)}>
        Save
      </button>
      {guard.confirmation}
    </div>
  );
}

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeEach(() => {
  browserSays = true;
  vi.stubGlobal('IntersectionObserver', FakeObserver);
});
afterEach(() => {
  cleanup();
  observers.clear();
  vi.unstubAllGlobals();
});

describe('useVisibleClick', () => {
  it('observes the panel’s own root element with trackVisibility and a 100 ms delay', () => {
    const stop = watchPanelSight(document, true);
    const [observer] = [...observers];
    expect(observer?.options).toMatchObject({ trackVisibility: true, delay: 100 });
    stop();
  });

  it('acts at once outside a page (side panel, sidebar), whatever the observer says', async () => {
    browserSays = false;
    const stop = watchPanelSight(document, false);
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onAct).toHaveBeenCalledTimes(1));
    expect(screen.queryByRole('group')).toBeNull();
    stop();
  });

  it('acts at once in a page when the panel has been in view for a while', async () => {
    const stop = watchPanelSight(document, true);
    await wait(550);
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onAct).toHaveBeenCalledTimes(1));
    stop();
  });

  it('asks inside the panel when the browser says the panel is covered, and acts only on a deliberate confirmation', async () => {
    const stop = watchPanelSight(document, true);
    await wait(550);
    browserSays = false;
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const confirm = await screen.findByRole('button', { name: 'Yes, save this outcome to HubSpot' });
    expect(screen.getByText('The panel was covered or hidden when you clicked, so nothing was changed yet.')).toBeTruthy();
    // A second click right away (a double click on a decoy) does nothing either.
    fireEvent.click(confirm);
    expect(onAct).not.toHaveBeenCalled();
    await act(() => wait(650));
    fireEvent.click(confirm);
    expect(onAct).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('group')).toBeNull();
    stop();
  });

  it('asks when the panel was shown only just before the click', async () => {
    const stop = watchPanelSight(document, true);
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('button', { name: 'Yes, save this outcome to HubSpot' });
    expect(onAct).not.toHaveBeenCalled();
    stop();
  });

  it('asks when the page hides the panel just as the click lands, though the first word after the click was stale', async () => {
    const stop = watchPanelSight(document, true);
    await wait(550);
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // The page's renderer tells the panel's frame of the change a moment after the click's first observation.
    await act(() => wait(60));
    browserSays = false;
    for (const observer of observers) observer.notify();
    await screen.findByRole('button', { name: 'Yes, save this outcome to HubSpot' });
    expect(onAct).not.toHaveBeenCalled();
    stop();
  });

  it('asks where the browser cannot tell (no isVisible, as in Firefox), and cancel does nothing', async () => {
    browserSays = undefined;
    const stop = watchPanelSight(document, true);
    await wait(550);
    const onAct = vi.fn();
    render(<Harness onAct={onAct} />);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('This browser cannot confirm that the panel was in view when you clicked, so nothing was changed yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group')).toBeNull();
    expect(onAct).not.toHaveBeenCalled();
    stop();
  });

  it('guards "Open a follow-up": a click on a covered panel opens nothing in the CRM', async () => {
    browserSays = false;
    const stop = watchPanelSight(document, true);
    const actions = { openFollowUp: vi.fn(async () => ({ ok: true as const, value: { id: '1', url: null, created: true, closed: false } })) };
    const response = { key: 'hubspot|1|r1', kind: 'nps', score: 2 } as SurveyResponse;
    render(
      <I18nProvider value={createI18n('ru', ru)}>
        <OpenFollowUp recordRef={{ crm: 'hubspot', instance: '1', objectType: 'contact', id: '5' }} response={response} crmName="HubSpot" actions={actions as unknown as OutcomeActions} />
      </I18nProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Открыть задачу по отзыву в HubSpot' }));
    expect(await screen.findByRole('button', { name: 'Да, открыть задачу по отзыву в HubSpot' })).toBeTruthy();
    expect(actions.openFollowUp).not.toHaveBeenCalled();
    stop();
  });
});
