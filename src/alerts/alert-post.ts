import type { IncomingMessage } from 'node:http';
import { describeAnswer, type PostOutcome } from './describe-answer.js';

export type { PostOutcome };

// A receiver's answer is read only to free the socket; a huge one is cut off here.
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs a JSON body and settles within timeoutMs, whatever the receiver does (hangs, trickles, answers slowly). A
 * redirect is a failure, never followed: a webhook's URL is a secret, and a redirect would carry the alert elsewhere.
 * The error never contains the URL.
 */
export function postJson(url: URL, body: string, timeoutMs: number, signal?: AbortSignal): Promise<PostOutcome> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ ok: false, error: 'stopped before it was sent' });
      return;
    }
    // Loaded at the first delivery, and https only for an https URL: an idle node sends nothing, and node:https (with
    // tls and crypto) alone is 1.3 MiB (Node 20) to 4 MiB (Node 24) for the daemon's life.
    const { request: send } = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    const request = send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'clawsup-alerts' },
      agent: false,
    });
    let isSettled = false;
    const settle = (outcome: PostOutcome): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ ok: false, error: `no answer within ${timeoutMs} ms (timed out)` }), timeoutMs);
    // clawsupd stopping ends a delivery at once: the message stays in the outbox for the next one.
    signal?.addEventListener('abort', () => settle({ ok: false, error: 'stopped while waiting for an answer' }), { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, error: error.code ?? 'the request failed' }));
    request.on('response', (response: IncomingMessage) => {
      const statusCode = response.statusCode ?? 0;
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_ANSWER_BYTES) response.destroy();
      });
      response.on('error', () => undefined);
      // The whole answer, or the deadline: a 200 whose body never ends is not a delivery we can be sure of.
      response.on('end', () => settle(describeAnswer(statusCode)));
      response.on('close', () => settle(describeAnswer(statusCode)));
    });
    request.end(body);
  });
}
