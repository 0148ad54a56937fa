import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible provider on 127.0.0.1 for audit tests. `/v1/models` answers 200 with its models for a valid
 * key and 401 for any other (`rotate()` revokes the valid one). Other base paths misbehave on purpose:
 * `/hang/v1` never answers, `/slow/v1` answers as `/v1` does after `slowMs` (default 800), `/500/v1` a JSON 500,
 * `/html/v1` an HTML error page, `/loop/v1` redirects to itself.
 */
export interface FakeProvider {
  baseUrl(path?: string): string;
  validKeys: Set<string>;
  /** Revokes `key` (as a provider does when a key is rotated): it gets 401 from now on. */
  rotate(key: string): void;
  /** Each request seen: method, path, and the Authorization header's key. */
  requests: { method: string; path: string; key: string | null }[];
  close(): Promise<void>;
}

export async function startFakeProvider(options: { keys: string[]; models: string[]; slowMs?: number }): Promise<FakeProvider> {
  const validKeys = new Set(options.keys);
  const requests: FakeProvider['requests'] = [];
  const hung = new Set<ServerResponse>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    requests.push({ method: request.method ?? 'GET', path: url, key: /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null });
    if (url.startsWith('/slow/')) {
      hung.add(response);
      setTimeout(() => {
        if (!response.destroyed) answer(request, response, url.slice('/slow'.length));
      }, options.slowMs ?? 800);
      return;
    }
    answer(request, response, url);
  });
  const answer = (request: IncomingMessage, response: ServerResponse, path: string): void => {
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
    if (path.startsWith('/hang/')) {
      hung.add(response);
      return;
    }
    if (path.startsWith('/500/')) return sendJson(response, 500, { error: { message: 'internal error, try again later', type: 'server_error' } });
    if (path.startsWith('/html/')) {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      return;
    }
    if (path.startsWith('/loop/')) {
      response.writeHead(302, { location: path });
      response.end();
      return;
    }
    if (path === '/v1/models' && request.method === 'GET') {
      if (key === null || !validKeys.has(key)) {
        // OpenAI's own words, with the key it was given half-masked, as the real API does.
        return sendJson(response, 401, { error: { message: `Incorrect API key provided: ${key ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      return sendJson(response, 200, { object: 'list', data: options.models.map((id) => ({ id, object: 'model', owned_by: 'fake' })) });
    }
    sendJson(response, 404, { error: { message: `no route ${path}` } });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: (path = '/v1') => `http://127.0.0.1:${port}${path}`,
    validKeys,
    rotate: (key) => validKeys.delete(key),
    requests,
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
