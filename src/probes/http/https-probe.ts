import { Agent as HttpsAgent, request as requestHttps, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { ProbeAnswer } from './probe-verdict.js';
import { startProbeSettlement } from './probe-settlement.js';
import type { HttpProbeOptions } from './http-probe.js';
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
  return new Promise((resolve) => {
    let outgoing: ReturnType<typeof requestHttps> | undefined;
    const { settle, fail, isSettled } = startProbeSettlement(url, options.timeoutMs, resolve, () => outgoing?.destroy());
    try {
      outgoing = requestHttps(toRequestOptions(url));
    } catch (error) {
      return fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
    const request = outgoing;
    request.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error.code ?? null));
    request.once('response', (response: IncomingMessage) => {
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
      request.end();
      return;
    }
    // node:https writes the request at end(): holding end() until the peer is known keeps every byte from an impostor.
    request.once('socket', (socket: Socket) => {
      const check = (): void => {
        if (isSettled()) return;
        let heldBy: PortHolder | null;
        try {
          heldBy = checkPeer(socket);
        } catch (error) {
          fail(`cannot tell who serves the connection: ${(error as Error).message}`);
          request.destroy();
          return;
        }
        if (heldBy === null) return void request.end();
        settle({ statusCode: null, body: null, error: null, heldBy });
        request.destroy();
      };
      if (socket.remotePort === undefined) socket.once('connect', check);
      else check();
    });
  });
}
