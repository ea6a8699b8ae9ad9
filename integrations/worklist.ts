import type { LoopCounts } from '../core/loop-metrics';
import type { Settings } from '../core/settings';
import type { Owner, TeamCount, WorklistRead, WorklistRow } from '../core/worklist';

/** What a connector offers the worklist ("My open loops"); each CRM folder implements it in its worklist.ts. */
export interface WorklistReader {
  /** Who "me" is when the CRM knows (Salesforce: the signed-in user); null where the user chooses (HubSpot). */
  signedInOwner(): Promise<Owner | null>;
  /** One owner's open loops, with the CRM's own count of them. */
  read(ownerId: string, settings: Settings): Promise<WorklistRead>;
  /** Per owner, open and overdue loops, counted by the CRM. */
  teamCounts(settings: Settings): Promise<TeamCount[]>;
  /**
   * The loop's numbers over 30 and 90 days — closed, within the SLA, thanked, median hours to first contact — the
   * owner's (when given) and the team's, counted by the CRM from the fields the outcome write records.
   */
  loopCounts(ownerId: string | null, settings: Settings): Promise<LoopCounts>;
  /** People a loop can be assigned to. */
  owners(): Promise<Owner[]>;
  /** Gives a loop to another owner (repeatable). */
  reassign(loop: Pick<WorklistRow, 'id' | 'kind'>, ownerId: string): Promise<void>;
}
