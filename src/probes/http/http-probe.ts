import { Agent, request, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as requestHttps } from 'node:https';
import type { HttpProbeResult } from '../probe-report.js';
import { redactSecrets } from '../../gateway/redact.js';

// A health answer is a few hundred bytes: anything past this is not parsed.
const MAX_BODY_BYTES = 64 * 1024;
// One kept-alive connection to the gateway: a probe every second then costs no connect and little garbage.
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4 });

export interface HttpProbeOptions {
  timeoutMs: number;
  /** Sent as a bearer token (the gateway's /readyz gives full detail to it); never logged. */
  token?: string | null;
}

/**
 * One GET with a hard deadline over connect, headers and body; every failure comes back as `error`, never thrown.
 * node:http rather than undici: the probes run for the daemon's whole life, and undici alone adds ~15 MB of RSS.
 */
export function probeHttp(url: string, options: HttpProbeOptions): Promise<HttpProbeResult> {
  const startedAt = performance.now();
  const elapsedMs = (): number => Math.round(performance.now() - startedAt);
  return new Promise((resolve) => {
    let isSettled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (result: Omit<HttpProbeResult, 'latencyMs'>): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsedMs() });
    };
    const fail = (why: string): void => settle({ statusCode: null, body: null, error: redactSecrets(`GET ${url}: ${why}`) });
    let outgoing: ReturnType<typeof request>;
    try {
      const headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
      outgoing = url.startsWith('https:')
        ? requestHttps(url, { method: 'GET', agent: httpsAgent, headers })
        : request(url, { method: 'GET', agent, headers });
    } catch (error) {
      return fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    timer = setTimeout(() => {
      fail(`no answer within ${options.timeoutMs} ms`);
      outgoing.destroy();
    }, options.timeoutMs);
    outgoing.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    outgoing.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          response.destroy();
          settle({ statusCode: response.statusCode ?? null, body: null, error: null });
          return;
        }
        chunks.push(chunk);
      });
      response.once('end', () => settle({ statusCode: response.statusCode ?? null, body: parseJson(Buffer.concat(chunks).toString('utf8')), error: null }));
      response.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    });
    outgoing.end();
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
