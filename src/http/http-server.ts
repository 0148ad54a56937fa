import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../daemon/logger.js';
import { describeError } from '../describe-error.js';
import { ClawsupError } from '../errors.js';
import type { HttpRoute } from './http-route.js';
import type { HttpSecrets } from './http-secrets.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';
import { createFailureThrottle, THROTTLE_RULES, throttleKeyOf } from './failure-throttle.js';
import { isAllowedHost } from './host-check.js';
import { decideRequest, readBearerToken } from './request-decision.js';
import { createSessionTable } from './session-table.js';
import { decideCredential, formatSessionCookie, locationWithoutToken, readCookie, readQueryToken, sessionCookieName, type Credential } from './sign-in.js';
import { compareToken } from './token-check.js';

// A scraper asks a few times a minute; these bound what a slow or hostile client can hold.
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 64;
// One address (all of loopback, a LAN host, an IPv6 /64) holds half the connections at most: the others still get in.
const MAX_CONNECTIONS_PER_ADDRESS = MAX_CONNECTIONS / 2;
// A socket where nothing moves this long (a client that asks and never reads its answers) is dropped.
const IDLE_TIMEOUT_MS = 30_000;
const TOO_MANY_CONNECTIONS_TEXT = `too many connections from this address (${MAX_CONNECTIONS_PER_ADDRESS} open): close some, or reuse one\n`;
const TOO_MANY_CONNECTIONS_ANSWER = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(TOO_MANY_CONNECTIONS_TEXT)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${TOO_MANY_CONNECTIONS_TEXT}`;
// Answers of one connection not yet sent: browsers and scrapers never pipeline, and each answer may be megabytes.
const MAX_PIPELINED_REQUESTS = 2;
// A TLS client that never finishes its handshake holds a connection no longer than a request may take.
const TLS_HANDSHAKE_TIMEOUT_MS = REQUEST_TIMEOUT_MS;
// A person's browsers and phones: a few; past this the oldest session signs in again.
const MAX_SESSIONS = 64;
// 256 bits: a session id cannot be guessed, so trying one costs no throttle.
const SESSION_ID_BYTES = 32;
// Every answer: never cached (it holds the node's state), never sniffed as another type, never sent on as a referrer.
const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export interface HttpListener {
  /** The address bound (the port the system chose when asked for 0). */
  address: ListenAddress;
  /** A reloaded http.tokenFile takes effect for the next request. */
  setToken(token: string | null): void;
  close(): Promise<void>;
}

export interface HttpListenerOptions {
  address: ListenAddress;
  secrets: HttpSecrets;
  routes: readonly HttpRoute[];
  log: Logger;
  /** Where http.listen is written ("file:line:column"), for the error when it cannot be bound. */
  listenSetAt: string;
  /** Where http.tls is written, for the error when its certificate and key do not go together. */
  tlsSetAt: string;
  /** How long a browser's `?token=` sign-in lasts (http.sessionTtlMs). */
  sessionTtlMs: number;
  nowMs?: () => number;
  /** Tests shorten it; clawsupd uses 30 s. */
  idleTimeoutMs?: number;
}

/** Binds the one listener; a bind that fails is a ClawsupError naming the address and what holds it back. */
export async function startHttpListener(options: HttpListenerOptions): Promise<HttpListener> {
  const { routes, log } = options;
  let token = options.secrets.token;
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const paths = [...byPath.keys()];
  const nowMs = options.nowMs ?? Date.now;
  const throttle = createFailureThrottle(THROTTLE_RULES);
  const sessions = createSessionTable({ ttlMs: options.sessionTtlMs, maxSessions: MAX_SESSIONS });
  const isSecure = options.secrets.tls !== null;
  // Known once bound (port 0 asks the system); no request arrives before.
  let cookieName = sessionCookieName(options.address.port);
  const readCredential = (request: IncomingMessage, url: string, remote: string, atMs: number): { credential: Credential; retryAfterMs: number } => {
    if (token === null) return { credential: null, retryAfterMs: 0 };
    const sessionId = readCookie(request.headers.cookie, cookieName);
    const retryAfterMs = throttle.retryAfterMs(remote, atMs);
    const facts = {
      isTokenConfigured: true,
      bearer: compareToken(readBearerToken(request.headers.authorization), token),
      query: compareToken(readQueryToken(url), token),
      session: sessionId === null ? ('none' as const) : sessions.isValid(sessionId, atMs) ? ('valid' as const) : ('unknown' as const),
      retryAfterMs,
    };
    const credential = decideCredential(facts);
    if (credential === 'wrong') throttle.recordFailure(remote, atMs);
    if ((credential === 'right' || credential === 'sign-in') && (facts.bearer === 'right' || facts.query === 'right')) throttle.recordSuccess(remote);
    return { credential, retryAfterMs };
  };
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const atMs = nowMs();
    const url = request.url ?? '/';
    // The path only: a query may hold a token (`?token=`), right or wrong, and neither goes into the log.
    const path = url.split(/[?#]/, 1)[0];
    const remote = throttleKeyOf(request.socket.remoteAddress);
    const { credential, retryAfterMs } = readCredential(request, url, remote, atMs);
    const decision = decideRequest({ method: request.method ?? 'GET', url, token: credential, paths, retryAfterMs, isHostAllowed: isAllowedHost(request.headers.host, token !== null) });
    for (const [name, value] of Object.entries(BASE_HEADERS)) response.setHeader(name, value);
    if (decision.action === 'refuse') {
      const fields = { method: request.method, path, remote, statusCode: decision.statusCode };
      // Throttled tries are debug: at most one wrong try per address per delay reaches warn.
      if (credential === 'wrong') log.warn(fields, 'http request with a wrong token refused');
      else log.debug(fields, 'http request refused');
      response.writeHead(decision.statusCode, { 'content-type': 'text/plain; charset=utf-8', ...decision.headers });
      response.end(`${decision.message}\n`);
      return;
    }
    if (decision.action === 'sign-in') {
      const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
      sessions.add(id, atMs);
      log.info({ path, remote, sessions: sessions.size() }, 'http browser signed in with the token');
      response.writeHead(303, { location: locationWithoutToken(url), 'set-cookie': formatSessionCookie({ name: cookieName, id, maxAgeMs: options.sessionTtlMs, isSecure }) });
      response.end();
      return;
    }
    const route = byPath.get(decision.path) as HttpRoute;
    let handled: Promise<void>;
    try {
      handled = Promise.resolve(route.handle(request, response));
    } catch (error) {
      // A route that throws at once (a file it reads is gone) fails the same way as one that rejects.
      handled = Promise.reject(error);
    }
    handled.catch((error: unknown) => {
      log.error({ err: describeError(error), path: decision.path }, 'http route failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error: see the clawsupd log\n');
    });
  };
  // A throw out of a request listener would end clawsupd: a request that breaks something is a 500 and a log line.
  const unanswered = new WeakMap<Socket, number>();
  const handleSafely = (request: IncomingMessage, response: ServerResponse): void => {
    // Node parses every request of a chunk at once: 64 KiB of pipelined GETs would be a thousand answers held in memory.
    const socket = request.socket;
    const pending = (unanswered.get(socket) ?? 0) + 1;
    if (pending > MAX_PIPELINED_REQUESTS) {
      log.debug({ remote: throttleKeyOf(socket.remoteAddress) }, 'http connection closed: too many pipelined requests');
      socket.destroy();
      return;
    }
    unanswered.set(socket, pending);
    response.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
    try {
      handle(request, response);
    } catch (error) {
      log.error({ err: describeError(error) }, 'http request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error: see the clawsupd log\n');
    }
  };
  const server = createServer(options, handleSafely);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  // With no 'timeout' listener, Node destroys a socket idle this long, whether it is reading a request or writing answers.
  server.timeout = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const connectionsByAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = throttleKeyOf(socket.remoteAddress);
    const count = connectionsByAddress.get(key) ?? 0;
    if (count >= MAX_CONNECTIONS_PER_ADDRESS) {
      log.debug({ remote: key, connections: count }, 'http connection refused: too many from this address');
      // Over TLS the socket is still raw TCP: no plain answer can be read there, so it is only closed.
      if (isSecure) {
        socket.destroy();
        return;
      }
      socket.end(TOO_MANY_CONNECTIONS_ANSWER);
      // A client that never reads would keep the half-closed socket (and its place in maxConnections): a second at most.
      const linger = setTimeout(() => socket.destroy(), 1_000);
      socket.once('close', () => clearTimeout(linger));
      return;
    }
    connectionsByAddress.set(key, count + 1);
    socket.once('close', () => {
      const left = (connectionsByAddress.get(key) ?? 1) - 1;
      if (left <= 0) connectionsByAddress.delete(key);
      else connectionsByAddress.set(key, left);
    });
  });
  await listen(server, options);
  const bound = server.address() as AddressInfo;
  const address = { host: options.address.host, port: bound.port };
  cookieName = sessionCookieName(bound.port);
  log.info({ listen: formatListenAddress(address), tls: options.secrets.tls !== null, token: token !== null, paths }, 'http listener started');
  return {
    address,
    setToken(next) {
      // A new token signs out every browser the old one signed in.
      if (next !== token) sessions.clear();
      token = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function createServer(options: HttpListenerOptions, handle: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const { tls } = options.secrets;
  if (tls === null) return createHttpServer(handle);
  try {
    const handshakeTimeout = Math.min(TLS_HANDSHAKE_TIMEOUT_MS, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
    return createHttpsServer({ cert: tls.cert, key: tls.key, handshakeTimeout }, handle);
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_HTTP_SECRET', `${options.tlsSetAt}: http.tls: the certificate and key cannot be used together: ${(error as Error).message}`, { cause: error });
  }
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use by another process: pick another port in http.listen, or stop what holds it (ss -ltnp shows it)',
  EADDRNOTAVAIL: 'that address is not on this machine',
  EACCES: 'permission denied (a port below 1024 needs privileges clawsupd should not have: pick a port above 1024)',
  ENOTFOUND: 'that host name does not resolve',
  EAI_AGAIN: 'that host name does not resolve (the resolver did not answer)',
};

function listen(server: Server, options: HttpListenerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const code = error.code ?? 'unknown error';
      const why = LISTEN_ERRORS[code] ?? code;
      reject(new ClawsupError('CLAWSUP_ERR_HTTP_LISTEN', `${options.listenSetAt}: http.listen ${formatListenAddress(options.address)}: cannot listen: ${why}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(options.address.port, options.address.host, () => {
      server.off('error', onError);
      server.on('error', (error) => options.log.error({ err: describeError(error) }, 'http listener failed'));
      resolve();
    });
  });
}
