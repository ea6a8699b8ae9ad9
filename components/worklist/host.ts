import type { LoopNumbers } from '../../core/loop-metrics';
import type { Reply } from '../../core/messaging';
import type { Crm } from '../../core/schema';
import type { Owner, TeamCount, WorklistRead, WorklistRow, WorklistSnapshot } from '../../core/worklist';
import type { OutcomeActions } from '../outcome/actions';

// What the worklist needs from the extension around it; entrypoints/panel wires the browser, component tests fake it.

export interface WorklistHost {
  /** The saved list at once (no CRM request). */
  get(): Promise<Reply<WorklistSnapshot>>;
  /**
   * The saved list if the page already holds it (asked for as the page started), for the list's first render; get()
   * still answers with it. Null when it has not arrived or was never asked for.
   */
  savedSoFar?(): Reply<WorklistSnapshot> | null;
  /** A fresh read of both CRMs. */
  refresh(): Promise<Reply<WorklistSnapshot>>;
  owners(crm: Crm): Promise<Reply<Owner[]>>;
  setMe(owner: { id: string; name: string } | null): Promise<Reply<WorklistSnapshot>>;
  team(crm: Crm): Promise<Reply<TeamCount[]>>;
  ownerLoops(crm: Crm, ownerId: string): Promise<Reply<WorklistRead>>;
  reassign(row: Pick<WorklistRow, 'crm' | 'id' | 'kind'>, ownerId: string): Promise<Reply<WorklistSnapshot>>;
  setInterval(minutes: number): Promise<Reply<{ minutes: number }>>;
  /** Loops closed, mine and the team's, over 30 and 90 days, counted by the CRMs. */
  numbers(): Promise<Reply<LoopNumbers>>;
  /** Opens a CRM record in the tab beside the panel, or in a new tab. */
  openRecord(url: string, where: 'this-tab' | 'new-tab'): Promise<void>;
  outcomeActions: OutcomeActions;
  optionsUrl: string;
  now(): number;
}
