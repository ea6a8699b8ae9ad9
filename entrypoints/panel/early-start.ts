import type { Browser } from 'wxt/browser';
import type { Reply } from '../../core/messaging';
import type { WorklistSnapshot } from '../../core/worklist';

// What public/panel-start.js began before the panel's code ran: it is taken once, by the first connection and the
// list's first look; later ones ask anew.

interface PanelStart {
  at: number;
  worklist: Promise<Reply<WorklistSnapshot> | undefined> | null;
  /** The answer to `worklist`, once it has landed. */
  worklistReply?: Reply<WorklistSnapshot>;
  takeHeard(): unknown[];
  takePort(): { port: Browser.runtime.Port; held: unknown[] } | null;
}

function start(): PanelStart | null {
  return (globalThis as { loyaltyLensStart?: PanelStart }).loyaltyLensStart ?? null;
}

let portTaken = false;

/** The port opened as the page started, with the pushes it already heard; null once taken or if it was closed. */
export function takeStartPort(): { port: Browser.runtime.Port; held: unknown[] } | null {
  if (portTaken) return null;
  portTaken = true;
  return start()?.takePort() ?? null;
}

/** What the background pushed on the start port so far, taken (the port hands on only what comes after). */
export function takeStartHeard(): unknown[] {
  return portTaken ? [] : (start()?.takeHeard() ?? []);
}

let listTaken = false;

/** The saved list asked for as the page started, if it was asked no longer than `maxAgeMs` ago. */
export function takeStartWorklist(maxAgeMs: number): Promise<Reply<WorklistSnapshot> | undefined> | null {
  if (listTaken) return null;
  listTaken = true;
  const early = start();
  return early?.worklist && Date.now() - early.at < maxAgeMs ? early.worklist : null;
}

/** The answer takeStartWorklist would give, if it is already here: read, not taken. */
export function startWorklistSoFar(maxAgeMs: number): Reply<WorklistSnapshot> | null {
  const early = start();
  return !listTaken && early && Date.now() - early.at < maxAgeMs ? (early.worklistReply ?? null) : null;
}
