import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { db } from '../../core/db';
import { requeueAuthFailures } from '../../core/outbox';
import type { ContentPush } from '../../core/messaging';
import { listenForRequests } from './router';
import { currentSettings, managedPolicy } from './settings';
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
import { caseReasonValues, createLoopField, describeSource, listFields, listObjects, listTicketPipelines, loopFieldStatus } from './metadata';
import { loadInsights } from './insights';
import { listAccountContacts } from './account-contacts';
import {
  chooseHubSpotOwner,
  followConnections,
  listOwners,
  loopNumbers,
  ownerLoops,
  reassignLoop,
  refreshAfterOwnWrite,
  refreshIfStale,
  refreshWorklist,
  scheduleWorklistRefresh,
  setRefreshMinutes,
  teamCounts,
  WORKLIST_ALARM,
  worklistSnapshot,
  type WorklistDeps,
} from './worklist';

// Wiring only: each concern lives in its own module.
export default defineBackground(() => {
  const settings = async () => (await currentSettings()).settings;
  const refreshDeps: RefreshDeps = { connectorFor: (ref) => connectorFor(ref), settings, missingPermission };
  const worklistDeps: WorklistDeps = { settings, policy: managedPolicy };
  // Our own writes change the worklist: an outcome sent (it may close its loop), a follow-up opened.
  const outboxDeps: OutboxDeps = { connectorFor: (outcome) => connectorFor(outcome), settings, afterSent: () => refreshAfterOwnWrite(worklistDeps) };
  const flush = () => flushOutbox(outboxDeps);
  // Outcomes that failed only for want of a valid token go out as soon as the CRM is connected again.
  const resendAfterReconnect = async (crm: 'hubspot' | 'salesforce') => {
    await requeueAuthFailures(db, crm, Date.now());
    void flush();
  };
  const refreshInBackground = (ref: Parameters<typeof refreshRecord>[0]) => void refreshRecord(ref, refreshDeps, { force: false }).catch(() => undefined);

  listenForPanels(refreshInBackground);
  listenForRequests({
    'record.refresh': (request) => refreshRecord(request.ref, refreshDeps, { force: true }),
    'outcome.log': async (request) => logOutcome(request.input, () => void flush()),
    'outcome.retry': async (request) => retryOutcome(request.idempotencyKey, () => void flush()),
    'outcome.withdraw': async (request) => withdrawOutcome(request.idempotencyKey),
    'outbox.flush': () => flush(),
    'loops.load': (request) => readLoopHistory(request.ref, refreshDeps),
    'followUp.open': async (request) => {
      const opened = await openFollowUp(request.ref, request.responseKey, refreshDeps);
      refreshAfterOwnWrite(worklistDeps);
      return opened;
    },
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
    'connector.signOut': (request) => signOut(request.crm, request.queued, () => flush()),
    'metadata.objects': (request) => listObjects(request.crm),
    'metadata.fields': (request) => listFields(request.crm, request.object),
    'metadata.ticketPipelines': () => listTicketPipelines(),
    'metadata.loopFields': async (request) => loopFieldStatus(request.crm, await settings()),
    'metadata.createLoopField': async (request) => createLoopField(request.crm, request.name, await settings()),
    'metadata.caseReasons': () => caseReasonValues(),
    'source.preview': (request) => describeSource(request.source),
    'data.wipe': (request) => wipeLocalData(request.queued),
    'worklist.get': () => worklistSnapshot(worklistDeps),
    'worklist.refresh': () => refreshWorklist(worklistDeps),
    'worklist.owners': (request) => listOwners(request.crm),
    'worklist.setMe': (request) => chooseHubSpotOwner(request.owner, worklistDeps),
    'worklist.team': (request) => teamCounts(request.crm, worklistDeps),
    'worklist.ownerLoops': (request) => ownerLoops(request.crm, request.ownerId, worklistDeps),
    'worklist.reassign': (request) => reassignLoop(request.crm, { id: request.loopId, kind: request.kind }, request.ownerId, worklistDeps),
    'worklist.setInterval': (request) => setRefreshMinutes(request.minutes),
    'worklist.numbers': () => loopNumbers(worklistDeps),
    'insights.load': (request) => loadInsights(request.query, request.fresh, worklistDeps),
    'account.contacts': (request) => listAccountContacts(request.ref, request.query, request.cursor, refreshDeps),
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM) void flush();
    if (alarm.name === WORKLIST_ALARM) void refreshWorklist(worklistDeps, { fromAlarm: true }).catch(() => undefined);
    if (alarm.name === PURGE_ALARM) void settings().then(purgeExpired);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'toggle-call-mode') pushToAllPanels({ type: 'call-mode.toggle' });
    if (command === 'toggle-panel' && tab?.id !== undefined) void browser.tabs.sendMessage(tab.id, { type: 'panel.toggle' } satisfies ContentPush).catch(() => undefined);
  });
  // The worker may have been stopped mid-flush: expired leases are picked up again here.
  self.addEventListener('online', () => void flush());
  void flush();
  void schedulePurge();
  // The badge is current from the worker's start, and kept so by the alarm and by connection changes.
  followConnections(worklistDeps);
  void scheduleWorklistRefresh();
  void refreshIfStale(worklistDeps).catch(() => undefined);
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
