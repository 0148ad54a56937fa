// postJson loads node:http or node:https at the first delivery, by the URL's scheme: each must still speak its own.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../src/alerts/alert-post.js';
import { FIXTURES } from '../helpers/daemon.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('postJson', () => {
  it('POSTs the JSON body to an http: URL and reports the 2xx', async () => {
    const received: Array<{ method?: string; type?: string; body: string }> = [];
    const port = await listen(
      createHttpServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk));
        request.on('end', () => {
          received.push({ method: request.method, type: request.headers['content-type'], body });
          response.writeHead(204).end();
        });
      }),
    );
    const outcome = await postJson(new URL(`http://127.0.0.1:${port}/hook`), '{"text":"firing"}', 2_000);
    expect(outcome).toEqual({ ok: true, statusCode: 204 });
    expect(received).toEqual([{ method: 'POST', type: 'application/json', body: '{"text":"firing"}' }]);
  });

  it('speaks TLS to an https: URL: an untrusted certificate is refused, and no byte of the alert is read', async () => {
    let requests = 0;
    const tls = join(FIXTURES, 'tls');
    const server = createHttpsServer({ key: readFileSync(join(tls, 'key.pem')), cert: readFileSync(join(tls, 'cert.pem')) }, (_request, response) => {
      requests += 1;
      response.writeHead(200).end();
    });
    const port = await listen(server as unknown as Server);
    const outcome = await postJson(new URL(`https://127.0.0.1:${port}/hook`), '{"text":"firing"}', 2_000);
    expect(outcome.ok).toBe(false);
    // A certificate check is TLS's own refusal: plain HTTP to this port would end in a reset or a parse error.
    expect(outcome.ok ? '' : outcome.error).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(requests).toBe(0);
  });
});
