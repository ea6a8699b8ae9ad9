import { browser, type Browser } from 'wxt/browser';
import { allowedSenders, classifySender, requestSchema, type Reply, type Request, type RequestType, type SenderKind } from '../../core/messaging';
import { describeZodError, toUserFacingError } from '../../core/errors';
import { isCrmPageUrl } from '../../integrations/pages';

export interface RequestContext {
  sender: Browser.runtime.MessageSender;
  senderKind: SenderKind;
}

export type RequestHandlers = {
  [K in RequestType]: (request: Extract<Request, { type: K }>, context: RequestContext) => Promise<unknown>;
};

/**
 * Validates every message (strict schema, then sender) before a handler sees it. Anything that
 * fails is answered with a typed error and does nothing else.
 */
export function listenForRequests(handlers: RequestHandlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender, sendResponse: (reply: Reply<unknown>) => void) => {
    const senderKind = classifySender(sender, browser.runtime.id, isCrmPageUrl);
    if (!senderKind) return false;
    const parsed = requestSchema.safeParse(message);
    if (!parsed.success) {
      // Our own pages get the reason (a form shows it); anything else learns nothing about the schema.
      const reason = senderKind === 'extension-page' ? describeZodError(parsed.error, 'The request') : 'Loyalty Lens ignored a malformed request.';
      sendResponse({ ok: false, error: { kind: 'invalid', message: reason } });
      return false;
    }
    const request = parsed.data;
    if (!allowedSenders[request.type].includes(senderKind)) {
      sendResponse({ ok: false, error: { kind: 'forbidden', message: 'This part of the page may not ask for that.' } });
      return false;
    }
    const handler = handlers[request.type] as (request: Request, context: RequestContext) => Promise<unknown>;
    handler(request, { sender, senderKind }).then(
      (value) => sendResponse({ ok: true, value }),
      (error: unknown) => sendResponse({ ok: false, error: toUserFacingError(error) }),
    );
    return true;
  });
}
