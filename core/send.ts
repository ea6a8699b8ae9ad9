import { browser } from 'wxt/browser';
import type { Reply, ReplyMap, Request, RequestType } from './protocol';

// The sending side of the protocol in core/protocol.ts. Kept apart from the schemas (which only
// the background needs to run) so the panel's bundle carries no validation code it never uses.

export const PANEL_PORT = 'loyalty-lens-panel';

/** Sends a request to the background and unwraps the reply. */
export async function sendRequest<K extends RequestType>(request: Extract<Request, { type: K }>): Promise<Reply<ReplyMap[K]>> {
  try {
    const reply = (await browser.runtime.sendMessage(request)) as Reply<ReplyMap[K]> | undefined;
    if (!reply || typeof reply !== 'object') {
      return { ok: false, error: { kind: 'internal', message: 'The extension did not answer. Reload the page and try again.' } };
    }
    return reply;
  } catch {
    return { ok: false, error: { kind: 'internal', message: 'The extension is restarting or was updated. Reload the page.' } };
  }
}
