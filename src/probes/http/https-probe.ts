import { Agent as HttpsAgent, request as requestHttps, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { ProbeAnswer } from './probe-verdict.js';
import type { HttpProbeOptions } from './http-probe.js';
import { redactSecrets } from '../../gateway/redact.js';
import { parseJsonBody } from './parse-json-body.js';

// A health answer is a few hundred bytes: anything past this is not parsed.
const MAX_BODY_BYTES = 64 * 1024;
// One kept-alive connection to the gateway: a probe every second then costs no TLS handshake.
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
// Parsing the URL string on every request was a third of an idle daemon's CPU (urlToHttpOptions): parse each once.
const requestOptionsByUrl = new Map<string, RequestOptions>();
const MAX_CACHED_URLS = 16;

function toRequestOptions(url: string): RequestOptions {
  const cached = requestOptionsByUrl.get(url);
  if (cached !== undefined) return cached;
  const options: RequestOptions = { ...urlToHttpOptions(new URL(url)), method: 'GET', agent: httpsAgent };
  // A reload may change the URLs: the few of a config stay, the rest are forgotten.
  if (requestOptionsByUrl.size >= MAX_CACHED_URLS) requestOptionsByUrl.clear();
  requestOptionsByUrl.set(url, options);
  return options;
}

/** An https: health URL, through node:https (TLS is rare on a loopback gateway; plain http has its own lean client). */
export function probeHttps(url: string, options: HttpProbeOptions): Promise<ProbeAnswer> {
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
    let outgoing: ReturnType<typeof requestHttps>;
    try {
      outgoing = requestHttps(toRequestOptions(url));
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
      response.once('end', () => settle({ statusCode: response.statusCode ?? null, body: parseJsonBody(Buffer.concat(chunks)), error: null }));
      response.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    });
    const { checkPeer } = options;
    if (checkPeer === undefined) {
      outgoing.end();
      return;
    }
    // node:https writes the request at end(): holding end() until the peer is known keeps every byte from an impostor.
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
