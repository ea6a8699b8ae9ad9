import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountContactsPage, ContactListQuery, ListedContact } from '../../core/account-contacts';
import type { Reply } from '../../core/protocol';

// A large account's contact list as its CRM lists it, page by page, through the background. The panel keeps the
// pages of the question on screen; a new question (chip, search) starts again from its first page.

/** Asks the background for one page of the account's list. */
export type ListAccountContacts = (query: ContactListQuery, cursor: string | null) => Promise<Reply<AccountContactsPage>>;

export interface CrmContactList {
  /** 'unavailable': the CRM cannot list by the latest score; the panel lists the contacts it has read. */
  status: 'loading' | 'ready' | 'loading-more' | 'failed' | 'unavailable';
  rows: ListedContact[];
  /** How many contacts of the whole account the question lets through; null until the CRM said. */
  total: number | null;
  hasMore: boolean;
  error: { kind: string; message: string } | null;
  more(): void;
  retry(): void;
}

interface ListState {
  key: string;
  status: CrmContactList['status'];
  rows: ListedContact[];
  total: number | null;
  cursor: string | null;
  error: CrmContactList['error'];
}

export function useCrmContactList(list: ListAccountContacts | null, accountKey: string, query: ContactListQuery): CrmContactList | null {
  const segment = query.segment;
  const search = query.search.trim();
  const [attempt, setAttempt] = useState(0);
  // One question, asked afresh by "Try again": its pages stay on screen until the question changes.
  const key = JSON.stringify([accountKey, segment, search, attempt]);
  const [state, setState] = useState<ListState | null>(null);
  // Only the answer to the latest ask is shown: an earlier question's late answer is dropped.
  const asked = useRef(0);

  /** Asks for the page at `cursor` (null: the first) and adds it to `previous`. */
  const ask = useCallback(
    (cursor: string | null, previous: ListState | null) => {
      if (!list) return;
      const mine = ++asked.current;
      void list({ segment, search }, cursor).then((reply) => {
        if (mine !== asked.current) return;
        const rows = previous?.rows ?? [];
        const total = previous?.total ?? null;
        if (!reply.ok) setState({ key, status: 'failed', rows, total, cursor, error: reply.error });
        else if (reply.value.status === 'unavailable') setState({ key, status: 'unavailable', rows: [], total: null, cursor: null, error: null });
        else setState({ key, status: 'ready', rows: [...rows, ...reply.value.rows], total: reply.value.total, cursor: reply.value.cursor, error: null });
      });
    },
    [list, key, segment, search],
  );

  useEffect(() => ask(null, null), [ask]);

  if (!list) return null;
  const current = state && state.key === key ? state : null;
  const askMore = (from: ListState, cursor: string) => {
    setState({ ...from, status: 'loading-more', error: null });
    ask(cursor, from);
  };
  return {
    status: current?.status ?? 'loading',
    rows: current?.rows ?? [],
    total: current?.total ?? null,
    hasMore: current?.status === 'ready' && current.cursor !== null,
    error: current?.error ?? null,
    more: () => {
      if (current?.status === 'ready' && current.cursor) askMore(current, current.cursor);
    },
    retry: () => {
      // A failed "more" asks for the same page again; a failed first page asks the question afresh.
      if (current?.status === 'failed' && current.rows.length > 0 && current.cursor) askMore(current, current.cursor);
      else setAttempt((n) => n + 1);
    },
  };
}
