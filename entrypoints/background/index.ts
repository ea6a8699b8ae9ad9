import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { db } from '../../core/db';
import { requeueAuthFailures } from '../../core/outbox';
import type { ContentPush } from '../../core/messaging';
import { listenForRequests } from './router';
import { currentSettings } from './settings';
import { listenForPanels, pushToAllPanels } from './panels';
import { listenForSidePanel } from './side-panel';
import { readLoopHistory } from './loop-history';
import { refreshRecord, type RefreshDeps } from './refresh';
import { flushOutbox, OUTBOX_ALARM, type OutboxDeps } from './outbox';
import { connectorFor, connectHubSpot, connectSalesforce, testConnection } from './connections';
import { logOutcome, retryOutcome, signOut, wipeLocalData, withdrawOutcome } from './outcomes';
import { missingPermission } from './permissions';
import { openFollowUp } from './followups';
import { purgeExpired, PURGE_ALARM, schedulePurge } from './retention';
import { describeSource, listFields, listObjects, listTicketPipelines } from './metadata';

// Wiring only: each concern lives in its own module.
export default defineBackground(() => {
  const settings = async () => (await currentSettings()).settings;
  const refreshDeps: RefreshDeps = { connectorFor: (ref) => connectorFor(ref), settings, missingPermission };
  const outboxDeps: OutboxDeps = { connectorFor: (outcome) => connectorFor(outcome), settings };
  // Outcomes that failed only for want of a valid token go out as soon as the CRM is connected again.
  const resendAfterReconnect = async (crm: 'hubspot' | 'salesforce') => {
    await requeueAuthFailures(db, crm, Date.now());
    void flushOutbox(outboxDeps);
  };
  const refreshInBackground = (ref: Parameters<typeof refreshRecord>[0]) => void refreshRecord(ref, refreshDeps, { force: false }).catch(() => undefined);

  listenForPanels(refreshInBackground);
  listenForRequests({
    'record.refresh': (request) => refreshRecord(request.ref, refreshDeps, { force: true }),
    'outcome.log': async (request) => logOutcome(request.input, () => void flushOutbox(outboxDeps)),
    'outcome.retry': async (request) => retryOutcome(request.idempotencyKey, () => void flushOutbox(outboxDeps)),
    'outcome.withdraw': async (request) => withdrawOutcome(request.idempotencyKey),
    'outbox.flush': () => flushOutbox(outboxDeps),
    'loops.load': (request) => readLoopHistory(request.ref, refreshDeps),
    'followUp.open': (request) => openFollowUp(request.ref, request.responseKey, refreshDeps),
    'connection.test': (request) => testConnection(request.crm),
    'hubspot.connect': async (request) => {
      const info = await connectHubSpot(request.token, request.replacePortal);
      await resendAfterReconnect('hubspot');
      return info;
    },
    'salesforce.connect': async () => {
      const info = await connectSalesforce(await settings());
      await resendAfterReconnect('salesforce');
      return info;
    },
    'connector.signOut': (request) => signOut(request.crm, request.queued, () => flushOutbox(outboxDeps)),
    'metadata.objects': (request) => listObjects(request.crm),
    'metadata.fields': (request) => listFields(request.crm, request.object),
    'metadata.ticketPipelines': () => listTicketPipelines(),
    'source.preview': (request) => describeSource(request.source),
    'data.wipe': (request) => wipeLocalData(request.queued),
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void flushOutbox(outboxDeps);
    if (alarm.name === PURGE_ALARM) void settings().then(purgeExpired);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'toggle-call-mode') pushToAllPanels({ type: 'call-mode.toggle' });
    if (command === 'toggle-panel' && tab?.id !== undefined) void browser.tabs.sendMessage(tab.id, { type: 'panel.toggle' } satisfies ContentPush).catch(() => undefined);
  });
  // The worker may have been stopped mid-flush: expired leases are picked up again here.
  self.addEventListener('online', () => void flushOutbox(outboxDeps));
  void flushOutbox(outboxDeps);
  void schedulePurge();
  // Read the settings (and ask for the managed policy, slow after a browser start) before the first panel needs them.
  void currentSettings();
  if (import.meta.env.CHROME) {
    void browser.sidePanel?.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
    listenForSidePanel();
  }
  // Firefox: the toolbar button opens and closes the sidebar (called at once: it needs the click's user action).
  if (import.meta.env.FIREFOX) {
    // Firefox's own API, absent from the Chrome-based types.
    const { sidebarAction } = browser as unknown as { sidebarAction?: { toggle(): Promise<void> } };
    browser.browserAction?.onClicked.addListener(() => void sidebarAction?.toggle());
  }
});
