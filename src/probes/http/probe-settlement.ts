import { redactSecrets } from '../../gateway/redact.js';
import { startStopwatch } from '../../monotonic-ms.js';
import type { ProbeAnswer } from './probe-verdict.js';

export interface ProbeSettlement {
  /** The answer, once: later calls (a close after the timeout) are ignored. */
  settle(result: Omit<ProbeAnswer, 'latencyMs'>): void;
  /** A failure: `GET url: why`, redacted (a URL may carry credentials). */
  fail(why: string, errorCode?: string | null): void;
  isSettled(): boolean;
}

/**
 * What every HTTP probe shares, whatever carries the request: one answer with its latency, and a hard deadline
 * that fails the probe and then calls `onDeadline` to tear the request down.
 */
export function startProbeSettlement(url: string, timeoutMs: number, resolve: (answer: ProbeAnswer) => void, onDeadline: () => void): ProbeSettlement {
  const elapsedMs = startStopwatch();
  let isSettled = false;
  const settle = (result: Omit<ProbeAnswer, 'latencyMs'>): void => {
    if (isSettled) return;
    isSettled = true;
    clearTimeout(timer);
    resolve({ ...result, latencyMs: elapsedMs() });
  };
  const fail = (why: string, errorCode: string | null = null): void => settle({ statusCode: null, body: null, error: redactSecrets(`GET ${url}: ${why}`), errorCode });
  const timer = setTimeout(() => {
    fail(`no answer within ${timeoutMs} ms`);
    onDeadline();
  }, timeoutMs);
  return { settle, fail, isSettled: () => isSettled };
}
