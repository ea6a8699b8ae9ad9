import type { PanelQueryResult } from '../../core/panel-data';
import type { RecordRef } from '../../core/schema';

export interface PanelError {
  kind: string;
  message: string;
  /** The host permission pattern or origin the background says is missing. */
  origin?: string;
}

export type PanelStateName = 'loading' | 'ready' | 'empty' | 'not-configured' | 'permission' | 'offline' | 'error' | 'no-record';

export interface PanelState {
  name: PanelStateName;
  error: PanelError | null;
}

const NO_ANSWER: PanelError = { kind: 'no-answer', message: 'The extension did not say which record this page shows.' };
const UNREADABLE: PanelError = { kind: 'storage', message: 'The saved data on this computer could not be read. Try again; if the disk is full, free some space.' };

const OFFLINE_KINDS = new Set(['network', 'server', 'timeout', 'rate-limit']);

export function errorState(kind: string): PanelStateName {
  if (kind === 'not-connected') return 'not-configured';
  if (kind === 'permission') return 'permission';
  if (OFFLINE_KINDS.has(kind)) return 'offline';
  return 'error';
}

/**
 * Which of the designed states the panel is in. A refresh failure wins over the cached data's own
 * state (the data is still shown under the message); without a record or data yet, it is loading.
 */
export function panelState(input: {
  settingsLoaded: boolean;
  record: { ref: RecordRef | null } | null;
  /** No record was pushed in time, or the extension can no longer be reached. */
  unanswered: boolean;
  result: PanelQueryResult | undefined;
  requestError: PanelError | null;
}): PanelState {
  const { settingsLoaded, record, unanswered, result, requestError } = input;
  if (!record && unanswered) return { name: 'error', error: NO_ANSWER };
  if (!record || (record.ref && !settingsLoaded)) return { name: 'loading', error: null };
  if (!record.ref) return { name: 'no-record', error: null };
  if (!result) return { name: 'loading', error: null };
  if (result.status === 'unreadable') return { name: 'error', error: requestError ?? UNREADABLE };
  const view = result.status === 'found' ? result.data.view : null;
  const error = view?.error ?? requestError;
  if (error) return { name: errorState(error.kind), error };
  if (result.status === 'missing' || view?.fetchedAt === null) return { name: 'loading', error: null };
  return { name: result.data.hasResponses ? 'ready' : 'empty', error: null };
}
