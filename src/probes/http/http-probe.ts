import { connect, type Socket } from 'node:net';
import type { PortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { ProbeAnswer } from './probe-verdict.js';
import { createResponseParser, type ParseStep } from './http-response-parser.js';
import { parseJsonBody } from './parse-json-body.js';
import { startProbeSettlement } from './probe-settlement.js';

// A health answer is a few hundred bytes: a body past this is not parsed, headers past this are no answer.
const LIMITS = { maxHeaderBytes: 16 * 1024, maxBodyBytes: 64 * 1024 };
// Kept-alive connections per gateway origin (a round asks at most three URLs at once).
const MAX_IDLE_PER_ORIGIN = 4;
const MAX_CACHED_URLS = 16;

export interface HttpProbeOptions {
  timeoutMs: number;
  /**
   * Who serves this connection: called once it is connected and before the request is written to it (a kept-alive
   * socket again at each reuse; the caller caches). A holder means another process: nothing is sent, the socket is
   * dropped. No credentials ever go on these probes: the gateway gives /readyz in full to a loopback caller.
   */
  checkPeer?: (socket: Socket) => PortHolder | null;
}

/** One URL's connection target and its request, encoded once (the same few URLs are asked every round). */
interface Target {
  origin: string;
  host: string;
  port: number;
  request: Buffer;
}

interface Exchange {
  onData(chunk: Buffer): void;
  onEnd(): void;
  onClose(error: NodeJS.ErrnoException | null): void;
}

/** A socket to the gateway with its listeners set once; each request on it is the exchange in flight. */
interface Connection {
  socket: Socket;
  origin: string;
  exchange: Exchange | null;
  error: NodeJS.ErrnoException | null;
}

const targetsByUrl = new Map<string, Target>();
const idleByOrigin = new Map<string, Connection[]>();

/**
 * One GET with a hard deadline over connect, headers and body; every failure comes back as `error`, never thrown.
 * Plain http: is a kept-alive socket and a small response reader rather than node:http, whose request and response
 * objects cost an idle daemon about 1 ms of CPU per probe (three times this); https: goes through node:https.
 */
export function probeHttp(url: string, options: HttpProbeOptions): Promise<ProbeAnswer> {
  if (url.startsWith('https:')) return import('./https-probe.js').then(({ probeHttps }) => probeHttps(url, options));
  return new Promise((resolve) => {
    let current: Connection | null = null;
    const { settle, fail, isSettled } = startProbeSettlement(
      url,
      options.timeoutMs,
      (answer) => {
        // Settled: whatever the connection says next belongs to no request.
        if (current !== null) current.exchange = null;
        resolve(answer);
      },
      () => current?.socket.destroy(),
    );
    let target: Target;
    try {
      target = toTarget(url);
    } catch (error) {
      return fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }

    const attempt = (connection: Connection, isReused: boolean): void => {
      current = connection;
      const parser = createResponseParser(LIMITS);
      let hasAnswerBytes = false;
      // Closed with no answer at all: node:http's "socket hang up" (ECONNRESET), or the refusal itself.
      const hangUp = (error: NodeJS.ErrnoException | null): void => {
        if (isSettled()) return;
        // The gateway closed a kept-alive socket as it was reused (its keep-alive timeout): a GET is asked again once.
        if (isReused && !hasAnswerBytes) return attempt(openConnection(target), false);
        const code = error?.code ?? 'ECONNRESET';
        fail(error === null ? code : (error.code ?? error.message), code);
      };
      const onStep = (step: ParseStep): void => {
        if (step.kind === 'more') return;
        connection.exchange = null;
        if (step.kind === 'error') {
          connection.socket.destroy();
          return fail(step.why);
        }
        if (step.isReusable) keepIdle(connection);
        else connection.socket.destroy();
        settle({ statusCode: step.statusCode, body: step.body === null ? null : parseJsonBody(step.body), error: null });
      };
      connection.exchange = {
        onData(chunk) {
          hasAnswerBytes = true;
          onStep(parser.push(chunk));
        },
        onEnd() {
          if (hasAnswerBytes) return onStep(parser.end());
          connection.exchange = null;
          connection.socket.destroy();
          hangUp(null);
        },
        onClose(error) {
          connection.exchange = null;
          hangUp(error);
        },
      };
      const send = (): void => {
        if (isSettled()) return;
        const { checkPeer } = options;
        let heldBy: PortHolder | null = null;
        try {
          heldBy = checkPeer === undefined ? null : checkPeer(connection.socket);
        } catch (error) {
          connection.socket.destroy();
          return fail(`cannot tell who serves the connection: ${(error as Error).message}`);
        }
        // Another process holds the port: not a byte of the request goes to it.
        if (heldBy !== null) {
          connection.socket.destroy();
          return settle({ statusCode: null, body: null, error: null, heldBy });
        }
        connection.socket.write(target.request);
      };
      if (isReused) send();
      else connection.socket.once('connect', send);
    };
    const idle = takeIdle(target.origin);
    attempt(idle ?? openConnection(target), idle !== null);
  });
}

function toTarget(url: string): Target {
  const cached = targetsByUrl.get(url);
  if (cached !== undefined) return cached;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:') throw new Error(`not an http: or https: URL (${parsed.protocol})`);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  // Credentials in the URL itself go as node:http sent them (Basic); clawsup adds none of its own.
  const auth = parsed.username === '' && parsed.password === '' ? '' : `Authorization: Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}\r\n`;
  const request = Buffer.from(`GET ${parsed.pathname}${parsed.search} HTTP/1.1\r\nHost: ${parsed.host}\r\n${auth}Connection: keep-alive\r\n\r\n`, 'latin1');
  const target: Target = { origin: `${host}:${parsed.port === '' ? 80 : parsed.port}`, host, port: parsed.port === '' ? 80 : Number(parsed.port), request };
  // A reload may change the URLs: the few of a config stay, the rest are forgotten.
  if (targetsByUrl.size >= MAX_CACHED_URLS) targetsByUrl.clear();
  targetsByUrl.set(url, target);
  return target;
}

function openConnection(target: Target): Connection {
  const socket = connect({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  const connection: Connection = { socket, origin: target.origin, exchange: null, error: null };
  // Bytes with no request in flight are no answer to anything: the connection cannot be trusted to frame the next.
  socket.on('data', (chunk: Buffer) => (connection.exchange === null ? socket.destroy() : connection.exchange.onData(chunk)));
  socket.on('end', () => connection.exchange?.onEnd());
  socket.on('error', (error: NodeJS.ErrnoException) => {
    connection.error = error;
  });
  socket.on('close', () => {
    dropIdle(connection);
    connection.exchange?.onClose(connection.error);
  });
  return connection;
}

function takeIdle(origin: string): Connection | null {
  const idle = idleByOrigin.get(origin);
  for (let connection = idle?.pop(); connection !== undefined; connection = idle?.pop()) {
    if (connection.socket.destroyed || !connection.socket.writable) continue;
    connection.socket.ref();
    return connection;
  }
  return null;
}

function keepIdle(connection: Connection): void {
  const idle = idleByOrigin.get(connection.origin) ?? [];
  if (idle.length >= MAX_IDLE_PER_ORIGIN) return void connection.socket.destroy();
  // An idle probe socket never keeps the daemon alive on its way out.
  connection.socket.unref();
  idle.push(connection);
  idleByOrigin.set(connection.origin, idle);
}

function dropIdle(connection: Connection): void {
  const idle = idleByOrigin.get(connection.origin);
  const at = idle?.indexOf(connection) ?? -1;
  if (at >= 0) idle?.splice(at, 1);
}
