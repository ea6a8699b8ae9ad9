import type { Connection } from 'jsforce/core';
import { createHttpRequestHandlerStreams } from 'jsforce/lib/request-helper';
import type { HttpRequest, HttpRequestOptions } from 'jsforce/lib/types';

// jsforce 3.10's browser transport starts its fetch without awaiting it, so a failed fetch (host
// unreachable, connection reset) never reaches the caller and the request hangs until our timeout.
// This stream creator makes the same fetch and reports a failure to jsforce as a stream error, which
// jsforce turns into a rejected request; responses still go through jsforce's own parsing.

type StreamCreator = (req: HttpRequest, options?: HttpRequestOptions) => ReturnType<typeof createHttpRequestHandlerStreams>['stream'];

function fetchRequestStream(req: HttpRequest, options: HttpRequestOptions = {}) {
  const { output, stream } = createHttpRequestHandlerStreams(req, options);
  const sendsBody = /^(post|put|patch)$/i.test(req.method);
  void (async () => {
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers as Record<string, string> | undefined,
        ...(sendsBody && typeof req.body === 'string' ? { body: req.body } : {}),
        redirect: 'manual',
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      stream.emit('response', { statusCode: response.status, headers });
      output.end(await response.text());
    } catch (error) {
      stream.emit('error', error);
    }
  })();
  return stream;
}

/** Makes a connection report network failures at once instead of hanging. */
export function reportFetchFailures(conn: Connection): void {
  const transport = (conn as unknown as { _transport: { getRequestStreamCreator: () => StreamCreator } })._transport;
  transport.getRequestStreamCreator = () => fetchRequestStream;
}
