/**
 * A small local Slack: the Web API methods @openclaw/slack 2026.9.6 calls at start (`auth.test`,
 * `apps.connections.open`, anything else answered `{ ok: true }` and logged) and Socket Mode over a WebSocket
 * (`hello` with `num_connections`, `disconnect` messages, pings and pongs, closes, a half-open mode that keeps
 * TCP open and sends nothing). Served over TLS on one port for every Slack host name; a test drives it over
 * HTTP on a Unix socket (control.ts), which crosses the network namespace the fake runs in.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const phantoms: WebSocket[] = [];

export interface FakeSlackSettings {
  /** App-level tokens (`xapp-`) `apps.connections.open` accepts; any other gets `invalid_auth`. */
  appTokens: string[];
  /** Bot tokens (`xoxb-`) `auth.test` accepts. */
  botTokens: string[];
  /** The error `apps.connections.open` answers with, whatever the token (null: answer normally). */
  connectionsOpenError: string | null;
  /** The host name put in the `wss://` URL. */
  socketHost: string;
  /** How often the fake pings each socket (Slack's servers ping too); 0: never. */
  serverPingIntervalMs: number;
  /** Reported in `hello.num_connections` instead of the real count of open sockets of the app. */
  reportedConnections: number | null;
}

export type FakeSlackFault =
  /** A Socket Mode `disconnect` message with this reason (`refresh_requested`, `too_many_websockets`, `link_disabled`, `warning`). */
  | { kind: 'disconnect-message'; reason: string }
  /** A WebSocket close frame, then TCP end. */
  | { kind: 'close'; code: number }
  /** The TCP connection dropped with no close frame. */
  | { kind: 'drop' }
  /** TCP stays open; the fake reads nothing and sends nothing (no frames, no pings, no pongs). */
  | { kind: 'half-open' }
  /** The tokens stop working: every token is refused from now on, and every socket is closed. */
  | { kind: 'revoke' };

export interface FakeSlackRecord {
  atMs: number;
  kind: 'http' | 'ws-open' | 'ws-close' | 'ws-message' | 'fault';
  detail: string;
}

export interface FakeSlack {
  readonly port: number;
  readonly settings: FakeSlackSettings;
  readonly records: FakeSlackRecord[];
  /** Ids of the sockets open now (half-open ones included). */
  openSockets(): Array<{ id: number; isHalfOpen: boolean; isSecond: boolean; openedAtMs: number }>;
  configure(patch: Partial<FakeSlackSettings>): void;
  /** A second Socket Mode connection on the same app token, held by the fake itself (as a second gateway would). */
  openSecondConnection(): Promise<void>;
  /** Applies a fault to every open socket (or the one named); returns how many it hit. */
  fault(fault: FakeSlackFault, socketId?: number): number;
  stop(): Promise<void>;
}

interface LiveSocket {
  id: number;
  ws: WebSocket;
  tcp: Socket;
  appToken: string;
  isHalfOpen: boolean;
  /** Opened by openSecondConnection, not by the gateway. */
  isSecond: boolean;
  openedAtMs: number;
  pingTimer: NodeJS.Timeout | null;
}

const TEAM = { team_id: 'T0FAKE0001', team: 'Fake Workspace', url: 'https://fake-workspace.slack.com/' };
const BOT = { user_id: 'U0FAKEBOT1', user: 'openclaw', bot_id: 'B0FAKEBOT1' };
const APP_ID = 'A0FAKEAPP1';

export function startFakeSlack(options: { cert: string; key: string; host: string; port: number; settings: FakeSlackSettings }): Promise<FakeSlack> {
  const settings: FakeSlackSettings = { ...options.settings };
  const records: FakeSlackRecord[] = [];
  const sockets = new Map<number, LiveSocket>();
  // Tickets handed out by apps.connections.open: the WebSocket upgrade must present one, as Slack's does.
  const tickets = new Map<string, string>();
  let nextId = 1;
  let isRevoked = false;
  const record = (kind: FakeSlackRecord['kind'], detail: string): void => {
    records.push({ atMs: Date.now(), kind, detail });
  };

  const server: HttpsServer = createHttpsServer({ cert: options.cert, key: options.key }, (request, response) => {
    void handleApi(request, response);
  });
  const wss = new WebSocketServer({ noServer: true });

  async function handleApi(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'https://slack.com');
    const token = readToken(request, body);
    const method = url.pathname.replace(/^\/api\//, '');
    record('http', `${request.method} ${request.headers.host ?? ''}${url.pathname} token=${token === null ? 'none' : token.slice(0, 5)}`);
    const answer = (payload: Record<string, unknown>): void => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(payload));
    };
    if (!url.pathname.startsWith('/api/')) {
      response.writeHead(404).end();
      return;
    }
    if (method === 'apps.connections.open') {
      if (settings.connectionsOpenError !== null) return answer({ ok: false, error: settings.connectionsOpenError });
      if (isRevoked || token === null || !settings.appTokens.includes(token)) return answer({ ok: false, error: 'invalid_auth' });
      const ticket = `ticket-${nextId}-${Math.random().toString(36).slice(2)}`;
      tickets.set(ticket, token);
      return answer({ ok: true, url: `wss://${settings.socketHost}/link/?ticket=${ticket}&app_id=${APP_ID}` });
    }
    if (method === 'auth.test') {
      if (isRevoked || token === null || !settings.botTokens.includes(token)) return answer({ ok: false, error: 'invalid_auth' });
      return answer({ ok: true, ...TEAM, ...BOT, is_enterprise_install: false, app_id: APP_ID });
    }
    if (isRevoked) return answer({ ok: false, error: 'invalid_auth' });
    // Everything else the plugin asks at start (users.info, conversations.*, team.info...) is logged above and answered empty.
    return answer({ ok: true, ...(method === 'team.info' ? { team: { id: TEAM.team_id, name: TEAM.team } } : {}) });
  }

  server.on('upgrade', (request: IncomingMessage, tcp: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'https://slack.com');
    const ticket = url.searchParams.get('ticket') ?? '';
    const appToken = tickets.get(ticket);
    tickets.delete(ticket);
    if (appToken === undefined || url.pathname !== '/link/') {
      record('http', `upgrade refused ${url.pathname}`);
      tcp.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, tcp, head, (ws) => onSocket(ws, tcp, appToken, ticket.startsWith('ticket-second-')));
  });

  function onSocket(ws: WebSocket, tcp: Socket, appToken: string, isSecond: boolean): void {
    const id = nextId++;
    const live: LiveSocket = { id, ws, tcp, appToken, isHalfOpen: false, isSecond, openedAtMs: Date.now(), pingTimer: null };
    sockets.set(id, live);
    // A half-open socket is dead to the client; the fake stops counting it as Slack would once it times out.
    const sameApp = [...sockets.values()].filter((other) => other.appToken === appToken && !other.isHalfOpen).length;
    record('ws-open', `socket ${id} from port ${tcp.remotePort}${isSecond ? ' (second connection)' : ''}, hello num_connections ${settings.reportedConnections ?? sameApp}`);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: settings.reportedConnections ?? sameApp,
        debug_info: { host: `applink-fake-${id}`, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: APP_ID },
      }),
    );
    if (settings.serverPingIntervalMs > 0) live.pingTimer = setInterval(() => ws.ping(Buffer.from(`ping-${Date.now()}`)), settings.serverPingIntervalMs);
    ws.on('message', (data) => record('ws-message', `socket ${id}: ${String(data).slice(0, 200)}`));
    ws.on('close', (code) => {
      if (live.pingTimer) clearInterval(live.pingTimer);
      sockets.delete(id);
      record('ws-close', `socket ${id} code ${code}`);
    });
    ws.on('error', () => undefined);
  }

  function applyFault(live: LiveSocket, fault: FakeSlackFault): void {
    switch (fault.kind) {
      case 'disconnect-message':
        live.ws.send(JSON.stringify({ type: 'disconnect', reason: fault.reason, debug_info: { host: `applink-fake-${live.id}` } }));
        return;
      case 'close':
        live.ws.close(fault.code, 'fake-slack fault');
        return;
      case 'drop':
      case 'revoke':
        live.ws.terminate();
        return;
      case 'half-open':
        live.isHalfOpen = true;
        if (live.pingTimer) clearInterval(live.pingTimer);
        live.pingTimer = null;
        // Nothing read means no pong and no close answered; the kernel still ACKs, so TCP looks healthy.
        live.tcp.pause();
        live.tcp.removeAllListeners('data');
        return;
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      resolve({
        port,
        settings,
        records,
        openSockets: () => [...sockets.values()].map((live) => ({ id: live.id, isHalfOpen: live.isHalfOpen, isSecond: live.isSecond, openedAtMs: live.openedAtMs })),
        configure: (patch) => Object.assign(settings, patch),
        openSecondConnection() {
          const appToken = settings.appTokens[0] ?? '';
          const ticket = `ticket-second-${nextId}-${Math.random().toString(36).slice(2)}`;
          tickets.set(ticket, appToken);
          record('fault', 'second connection on the same app token');
          // Loopback to itself: the certificate names Slack's hosts, not 127.0.0.1.
          const client = new WebSocket(`wss://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}`, { rejectUnauthorized: false });
          phantoms.push(client);
          return new Promise((done, fail) => {
            client.once('message', () => done());
            client.once('error', fail);
          });
        },
        fault(fault, socketId) {
          record('fault', JSON.stringify(fault));
          if (fault.kind === 'revoke') isRevoked = true;
          const targets = [...sockets.values()].filter((live) => socketId === undefined || live.id === socketId);
          for (const live of targets) applyFault(live, fault);
          return targets.length;
        },
        async stop() {
          for (const phantom of phantoms) phantom.terminate();
          for (const live of sockets.values()) {
            if (live.pingTimer) clearInterval(live.pingTimer);
            live.tcp.destroy();
          }
          wss.close();
          server.closeAllConnections();
          await new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
    request.on('error', () => resolve(body));
  });
}

/** The Web API takes the token as a bearer header or a `token` form/JSON field. */
function readToken(request: IncomingMessage, body: string): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const fromForm = new URLSearchParams(body).get('token');
  if (fromForm) return fromForm;
  try {
    const parsed = JSON.parse(body) as { token?: unknown };
    return typeof parsed.token === 'string' ? parsed.token : null;
  } catch {
    return null;
  }
}
