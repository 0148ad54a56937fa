import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formatListenAddress, isLoopbackHost, type ListenAddress } from '../http/listen-address.js';
import { askFleet, type FleetAnswer } from './ask-fleet.js';
import type { FetchOptions } from './fetch-node.js';
import type { Inventory } from './inventory.js';
import { renderStatusPage, STATUS_PAGE_HEADERS } from './status-page.js';

export const FLEET_API_PATH = '/api/fleet';
/** Several tabs refreshing every 5 s share one round of asks: an answer younger than this is served again. */
const ANSWER_REUSE_MS = 2_000;

export interface FleetServer {
  url: string;
  close(): Promise<void>;
}

export interface FleetServerOptions {
  inventory: Inventory;
  fetch: FetchOptions;
  lastSeenPath: string;
  onCacheError?: (message: string) => void;
}

/** The fleet page and `/api/fleet` (asked of the nodes here, so the browser talks to this origin only). */
export async function startFleetServer(address: ListenAddress, options: FleetServerOptions): Promise<FleetServer> {
  const page = renderStatusPage({ title: 'clawsup fleet', viewPath: FLEET_API_PATH, kind: 'fleet' });
  let inFlight: Promise<FleetAnswer> | null = null;
  let last: { atMs: number; body: string } | null = null;
  const answer = async (): Promise<string> => {
    if (last !== null && Date.now() - last.atMs < ANSWER_REUSE_MS) return last.body;
    inFlight ??= askFleet(options.inventory, options.fetch, options.lastSeenPath).finally(() => {
      inFlight = null;
    });
    const { entries, cacheError } = await inFlight;
    if (cacheError !== null) options.onCacheError?.(cacheError);
    const body = JSON.stringify({ nodes: entries });
    last = { atMs: Date.now(), body };
    return body;
  };
  const isLoopbackBind = isLoopbackHost(address.host);
  const server = createServer((request, response) => {
    handle(request, response, page, answer, isLoopbackBind, address.port).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  await listen(server, address);
  return {
    url: `http://${formatListenAddress(address)}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, page: string, answer: () => Promise<string>, isLoopbackBind: boolean, port: number): Promise<void> {
  // A loopback page answers loopback names only: a web page elsewhere cannot rebind its own name to 127.0.0.1 and read the fleet.
  if (isLoopbackBind && !isLoopbackHostHeader(request.headers.host, port)) return send(response, 421, 'text/plain; charset=utf-8', 'this page answers to localhost only\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'read-only: GET and HEAD only\n');
  }
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/') return send(response, 200, null, page, request.method === 'HEAD');
  if (path === FLEET_API_PATH) return send(response, 200, 'application/json; charset=utf-8', await answer(), request.method === 'HEAD');
  return send(response, 404, 'text/plain; charset=utf-8', 'not found: the fleet page is at /, its data at /api/fleet\n');
}

function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!match) return false;
  const name = (match[1] as string).replace(/^\[|\]$/g, '');
  return isLoopbackHost(name) && (match[2] === undefined || Number(match[2]) === port);
}

function send(response: ServerResponse, status: number, type: string | null, body: string, isHead = false): void {
  const headers: Record<string, string> = type === null ? { ...STATUS_PAGE_HEADERS } : { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(status, headers);
  response.end(isHead ? undefined : body);
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
