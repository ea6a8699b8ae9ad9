// @vitest-environment happy-dom
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { saveRecordContext } from '../../core/store';
import type { RecordContext } from '../../core/schema';
import { HUBSPOT_FIXTURES as HS } from '../../sandbox/hubspot/seed';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { loadSurfaceContexts, routeToSandbox, signInToSalesforce, SURFACE_RECORD_NAMES, SURFACE_RECORDS, type SurfaceRecord } from '../../crm-plugins/test-support/sandbox';
import expected from '../fixtures/expected-figures.json';
import { freshDb, showRecordPanel, testHost } from './panel-helpers';

// The extension's side of the three surfaces: the panel, fed by the extension's connectors from the sandbox CRMs,
// shows the figures of test/fixtures/expected-figures.json, the table the HubSpot card's tests
// (crm-plugins/hubspot-card/test) and the Lightning component's tests (crm-plugins/salesforce-lwc) check too.

const PANEL_FIGURES = ['contact-latest-score', 'contact-segment', 'account-nps', 'account-margin', 'account-n', 'revenue-at-risk', 'open-followups'];
const table = expected.records as Record<SurfaceRecord, { en: Record<string, string>; ru: Record<string, string> }>;

let sandbox: RunningSandbox;
let unroute: () => void;
let contexts: Record<SurfaceRecord, RecordContext>;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, latencyMs: 0 });
  unroute = routeToSandbox(sandbox);
  contexts = await loadSurfaceContexts(sandbox, await signInToSalesforce());
});
afterAll(async () => {
  unroute();
  await sandbox.close();
});
afterEach(cleanup);

/** What the panel shows for a record: each figure's text, the first of each name (normal mode, then call mode's). */
async function panelFigures(name: SurfaceRecord, language: string): Promise<Record<string, string>> {
  const shown: Record<string, string> = {};
  for (const callMode of [false, true]) {
    const db = freshDb();
    await saveRecordContext(db, contexts[name]);
    const { container } = await showRecordPanel(db, testHost({ languages: [language], callMode }), SURFACE_RECORDS[name], ['ready', 'empty']);
    for (const node of container.querySelectorAll('[data-ll-figure]')) {
      const figure = node.getAttribute('data-ll-figure')!;
      const text = node.textContent?.trim() ?? '';
      if (PANEL_FIGURES.includes(figure) && text && !(figure in shown)) shown[figure] = text;
    }
    cleanup();
  }
  return shown;
}

describe('the panel shows the figures the CRM cards show', () => {
  it('reads the HubSpot sandbox records it is checked on', () => {
    expect(contexts['hubspot contact'].ref.instance).toBe(HS.portals.main);
    expect(Object.keys(contexts).sort()).toEqual([...SURFACE_RECORD_NAMES].sort());
  });

  for (const name of SURFACE_RECORD_NAMES) {
    for (const language of ['en-US', 'ru-RU']) {
      it(`for the ${name} record, in ${language.startsWith('ru') ? 'Russian' : 'English'}`, async () => {
        const shown = await panelFigures(name, language);
        expect(shown).toEqual(table[name][language.startsWith('ru') ? 'ru' : 'en']);
      });
    }
  }
});
