import { Agent, request, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as requestHttps } from 'node:https';
import type { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { ProbeAnswer } from './probe-verdict.js';
import { redactSecrets } from '../../gateway/redact.js';

// A health answer is a few hundred bytes: anything past this is not parsed.
const MAX_BODY_BYTES = 64 * 1024;
// One kept-alive connection to the gateway: a probe every second then costs no connect and little garbage.
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
// Parsing the URL string on every request was a third of an idle daemon's CPU (urlToHttpOptions): parse each once.
const requestOptionsByUrl = new Map<string, RequestOptions>();
const MAX_CACHED_URLS = 16;

function toRequestOptions(url: string): RequestOptions {
  const cached = requestOptionsByUrl.get(url);
  if (cached !== undefined) return cached;
  const isHttps = url.startsWith('https:');
  const options: RequestOptions = { ...urlToHttpOptions(new URL(url)), method: 'GET', agent: isHttps ? httpsAgent : agent };
  // A reload may change the URLs: the few of a config stay, the rest are forgotten.
  if (requestOptionsByUrl.size >= MAX_CACHED_URLS) requestOptionsByUrl.clear();
  requestOptionsByUrl.set(url, options);
  return options;
}

export interface HttpProbeOptions {
  timeoutMs: number;
  /**
   * Who serves this connection: called once it is connected and before the request is written to it (a kept-alive
   * socket again at each reuse; the caller caches). A holder means another process: nothing is sent, the socket is
   * dropped. No credentials ever go on these probes: the gateway gives /readyz in full to a loopback caller.
   */
  checkPeer?: (socket: Socket) => PortHolder | null;
}

/**
 * One GET with a hard deadline over connect, headers and body; every failure comes back as `error`, never thrown.
 * node:http rather than undici: the probes run for the daemon's whole life, and undici alone adds ~15 MB of RSS.
 */
export function probeHttp(url: string, options: HttpProbeOptions): Promise<ProbeAnswer> {
  const startedAt = performance.now();
  const elapsedMs = (): number => Math.round(performance.now() - startedAt);
  return new Promise((resolve) => {
    let isSettled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (result: Omit<ProbeAnswer, 'latencyMs'>): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsedMs() });
    };
    const fail = (why: string, errorCode: string | null = null): void => settle({ statusCode: null, body: null, error: redactSecrets(`GET ${url}: ${why}`), errorCode });
    let outgoing: ReturnType<typeof request>;
    try {
      const requestOptions = toRequestOptions(url);
      outgoing = requestOptions.agent === httpsAgent ? requestHttps(requestOptions) : request(requestOptions);
    } catch (error) {
      return fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    timer = setTimeout(() => {
      fail(`no answer within ${options.timeoutMs} ms`);
      outgoing.destroy();
    }, options.timeoutMs);
    outgoing.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error.code ?? null));
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
    const { checkPeer } = options;
    if (checkPeer === undefined) {
      outgoing.end();
      return;
    }
    // node:http writes the request at end(): holding end() until the peer is known keeps every byte from an impostor.
    outgoing.once('socket', (socket: Socket) => {
      const check = (): void => {
        if (isSettled) return;
        let heldBy: PortHolder | null;
        try {
          heldBy = checkPeer(socket);
        } catch (error) {
          fail(`cannot tell who serves the connection: ${(error as Error).message}`);
          outgoing.destroy();
          return;
        }
        if (heldBy === null) return void outgoing.end();
        settle({ statusCode: null, body: null, error: null, heldBy });
        outgoing.destroy();
      };
      if (socket.remotePort === undefined) socket.once('connect', check);
      else check();
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
