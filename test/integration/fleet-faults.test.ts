import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startFleetServer } from '../../src/fleet/fleet-server.js';
import { loadInventory } from '../../src/fleet/inventory.js';
import { readLastSeen } from '../../src/fleet/last-seen.js';
import { runClawctl } from '../helpers/control.js';
import { answerJson, makeView, startFakeNode, TLS, type FakeNode } from '../helpers/fleet-fake-node.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const TOKEN = 'fleet-secret-token-7f3a9c';
const WRONG_TOKEN = 'wrong-token-value-11b2';

/** Nodes that each fail one way, beside two that answer; clawctl is run against them with a 1 s deadline. */
describe('clawctl fleet status against nodes that misbehave', () => {
  let temp: { path: string; remove(): void };
  let home: string;
  let env: NodeJS.ProcessEnv;
  let inventoryPath: string;
  const nodes: FakeNode[] = [];
  const trickles: NodeJS.Timeout[] = [];
  let good: FakeNode;

  beforeAll(async () => {
    temp = makeTempDir('cs-fleet-');
    home = join(temp.path, 'home');
    env = { HOME: home, XDG_CACHE_HOME: '' };
    inventoryPath = join(temp.path, 'fleet.json5');
    const nowMs = Date.now();
    writeFileSync(join(temp.path, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    writeFileSync(join(temp.path, 'wrong-token'), `${WRONG_TOKEN}\n`, { mode: 0o600 });
    good = await startFakeNode(TOKEN, answerJson(makeView('good', 'healthy', nowMs)));
    const start = async (behaviour: Parameters<typeof startFakeNode>[1], isTls = false): Promise<string> => {
      const node = await startFakeNode(TOKEN, behaviour, { isTls });
      nodes.push(node);
      return node.url;
    };
    const entries = [
      { name: 'good', url: good.url },
      { name: 'garbage', url: await start((_q, r) => void r.writeHead(200, { 'content-type': 'application/json' }).end('{"nodes": [oops')) },
      { name: 'html', url: await start((_q, r) => void r.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>login</body></html>')) },
      {
        name: 'huge',
        url: await start((_q, r) => {
          r.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          for (let i = 0; i < 80; i += 1) r.write(chunk);
          r.end('{}');
        }),
      },
      {
        name: 'trickle',
        url: await start((_q, r) => {
          r.writeHead(200, { 'content-type': 'application/json' });
          trickles.push(setInterval(() => r.write(' '), 100));
        }),
      },
      { name: 'shape', url: await start(answerJson({ hello: 'world', status: { mode: 3 } })) },
      { name: 'token', url: good.url, tokenFile: 'wrong-token' },
      { name: 'cert', url: await start(answerJson(makeView('cert', 'healthy', nowMs)), true) },
      { name: 'tls-ok', url: nodes.at(-1)!.url, caFile: join(TLS, 'cert.pem') },
      // The certificate names 127.0.0.1 only.
      { name: 'cert-name', url: nodes.at(-1)!.url.replace('127.0.0.1', 'localhost'), caFile: join(TLS, 'cert.pem') },
      { name: 'refused', url: `http://127.0.0.1:${await freePort()}` },
    ];
    const inventory = { nodes: entries.map((entry) => ({ tokenFile: 'token', ...entry })) };
    writeFileSync(inventoryPath, JSON.stringify(inventory, null, 2));
  });

  afterAll(async () => {
    for (const timer of trickles) clearInterval(timer);
    await Promise.all([good, ...nodes].map((node) => node?.close()));
    temp?.remove();
  });

  const rowOf = (table: string, name: string): string => table.split('\n').find((line) => line.startsWith(`${name} `)) ?? `(no row for ${name})`;

  it('prints a clear row for each fault, within the deadline, and exits 2', async () => {
    const startedMs = Date.now();
    const run = await runClawctl(['fleet', 'status', '--inventory', inventoryPath, '--timeout', '1s'], { env });
    const elapsedMs = Date.now() - startedMs;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    // One deadline for all the nodes at once, not one after another (node start-up included).
    expect(elapsedMs).toBeLessThan(4_000);
    const table = run.stdout;
    expect(table.split('\n')[0]).toMatch(/^NODE\s+MODE\s+SINCE\s+UPTIME\s+RESTARTS 24H\s+LAST EXIT\s+SLACK\s+SKILLS\s+CRON\s+VERSION$/);
    expect(rowOf(table, 'good')).toMatch(/^good\s+healthy\s+1h ago\s+1h\s+1\s+transient: crash \(exit 1\)\s+connected\s+failing: daily\s+-\s+0\.9\.0$/);
    expect(rowOf(table, 'tls-ok')).toMatch(/^tls-ok\s+healthy\s/);
    const faults: Array<[string, RegExp]> = [
      ['garbage', /answered something that is not JSON/],
      ['html', /answered text\/html, not JSON/],
      ['huge', /answer is over the 4194304-byte limit/],
      ['trickle', /no whole answer within 1000 ms/],
      ['shape', /answered JSON that is not a node view/],
      ['token', /HTTP 401: the node refused the token/],
      ['cert', /TLS: the certificate is self-signed and not tru…/],
      ['refused', /connection refused/],
      ['cert-name', /TLS: the certificate is for another host name/],
    ];
    for (const [name, reason] of faults) {
      expect(rowOf(table, name)).toMatch(new RegExp(`^${name}\\s+unreachable\\s+never answered\\s+-\\s+-\\s+${reason.source}`));
    }
    // A cell cut to fit is given whole under the table.
    expect(table).toContain('\ncert last exit: TLS: the certificate is self-signed and not trusted (give this node a caFile)\n');
    expect(table).not.toContain(TOKEN);
    expect(table).not.toContain(WRONG_TOKEN);
  });

  it('--json gives each node its status, or its error and when it last answered; no token in it', async () => {
    const run = await runClawctl(['fleet', 'status', '--inventory', inventoryPath, '--timeout', '1s', '--json'], { env });
    expect(run.code).toBe(2);
    const { nodes: answered } = JSON.parse(run.stdout) as { nodes: Array<Record<string, any>> };
    expect(answered.map((node) => node.name)).toEqual(['good', 'garbage', 'html', 'huge', 'trickle', 'shape', 'token', 'cert', 'tls-ok', 'cert-name', 'refused']);
    expect(answered[0]).toMatchObject({ name: 'good', reachable: true, status: { mode: 'healthy', gateway: { pid: 4242 } } });
    expect(answered[1]).toEqual({ name: 'garbage', reachable: false, status: null, error: 'answered something that is not JSON', lastAnsweredAt: null });
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(WRONG_TOKEN);
    // The token went to each node in its header, and nowhere else.
    expect(good.requests.some((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('fleet serve answers loopback names only, GET and HEAD only, and /api/fleet carries no token', async () => {
    const port = await freePort();
    const server = await startFleetServer({ host: '127.0.0.1', port }, { inventory: loadInventory(inventoryPath), fetch: { timeoutMs: 1_000, maxBodyBytes: 4 * 1024 * 1024 }, lastSeenPath: join(temp.path, 'serve-last-seen.json') });
    const ask = (path: string, host: string, method = 'GET') =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const outgoing = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
        });
        outgoing.on('error', reject);
        outgoing.end();
      });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}/`);
      const page = await ask('/', `127.0.0.1:${port}`);
      expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
      expect(page.body).toContain('data-view-path="/api/fleet"');
      const api = await ask('/api/fleet', `localhost:${port}`);
      expect(api.status).toBe(200);
      const entries = (JSON.parse(api.body) as { nodes: Array<{ name: string; reachable: boolean }> }).nodes;
      expect(entries.map(({ name, reachable }) => [name, reachable])).toEqual([
        ['good', true], ['garbage', false], ['html', false], ['huge', false], ['trickle', false], ['shape', false], ['token', false], ['cert', false], ['tls-ok', true], ['cert-name', false], ['refused', false],
      ]);
      expect(api.body).not.toContain(TOKEN);
      expect(api.body).not.toContain(WRONG_TOKEN);
      // A page elsewhere that rebinds its own name to 127.0.0.1 is refused.
      expect((await ask('/api/fleet', `evil.example:${port}`)).status).toBe(421);
      expect((await ask('/api/fleet', '127.0.0.1:1')).status).toBe(421);
      expect((await ask('/', `127.0.0.1:${port}`, 'POST')).status).toBe(405);
      expect((await ask('/nope', `127.0.0.1:${port}`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a node that answered before and then stops says how long since it last answered, from the cache', async () => {
    const cache = join(home, '.cache', 'clawsup', 'fleet-last-seen.json');
    expect(existsSync(cache)).toBe(true);
    const seen = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, string>;
    expect(Object.keys(seen).sort()).toEqual(['good', 'tls-ok']);
    await good.close();
    const run = await runClawctl(['fleet', 'status', '--inventory', inventoryPath, '--timeout', '1s'], { env });
    expect(run.code).toBe(2);
    expect(rowOf(run.stdout, 'good')).toMatch(/^good\s+unreachable\s+last answered \d+s ago\s+-\s+-\s+connection refused/);
  });
});

describe('the fleet inventory', () => {
  // Made when the tests run, not when the file is collected: a run filtered to other tests leaves nothing behind.
  let temp: { path: string; remove(): void };
  beforeAll(() => {
    temp = makeTempDir('cs-inv-');
    writeFileSync(join(temp.path, 'token'), 'abc\n', { mode: 0o600 });
    writeFileSync(join(temp.path, 'empty-token'), '\n', { mode: 0o600 });
  });
  afterAll(() => temp.remove());
  const write = (text: string): string => {
    const path = join(temp.path, `inv-${Math.random().toString(36).slice(2)}.json5`);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['not JSON5', '{ nodes: [ { name: "a", ', /inv-\w+\.json5:1:\d+: not valid JSON5: /],
    ['no nodes', '{ nodes: [] }', /inv-\w+\.json5:1:10: nodes: list at least one node/],
    ['an unknown key', '{\n  nodes: [{ name: "a", url: "http://a:1", tokenFile: "token", tokn: 1 }],\n}', /inv-\w+\.json5:2:\d+: nodes\.0\.tokn: unknown key/],
    ['a URL that is not http(s)', '{\n  nodes: [\n    { name: "a", url: "ftp://a:1", tokenFile: "token" },\n  ],\n}', /inv-\w+\.json5:3:23: nodes\.0\.url: expected an http:\/\/ or https:\/\/ URL/],
    ['a URL with a password', '{ nodes: [{ name: "a", url: "http://u:p@a:1", tokenFile: "token" }] }', /nodes\.0\.url: expected an http:\/\/ or https:\/\/ URL with no user, password/],
    ['a bad name', '{ nodes: [{ name: "a b", url: "http://a:1", tokenFile: "token" }] }', /:1:\d+: nodes\.0\.name: a node name is 1-64 characters/],
    ['a duplicate name', '{ nodes: [\n{ name: "a", url: "http://a:1", tokenFile: "token" },\n{ name: "a", url: "http://b:1", tokenFile: "token" },\n] }', /:3:9: nodes\.1\.name: "a" is already the name of nodes\.0; names must be unique/],
    ['a missing token file', '{ nodes: [{ name: "a", url: "http://a:1", tokenFile: "nope" }] }', /:1:\d+: nodes\.0\.tokenFile: \/.+\/nope: cannot be read: ENOENT/],
    ['an empty token file', '{ nodes: [{ name: "a", url: "http://a:1", tokenFile: "empty-token" }] }', /nodes\.0\.tokenFile: .+empty-token: the token file is empty/],
    ['a CA for an http URL', '{ nodes: [{ name: "a", url: "http://a:1", tokenFile: "token", caFile: "token" }] }', /nodes\.0\.caFile: a CA is for https:\/\/ URLs/],
  ])('refuses %s with a located error', (_name, text, message) => {
    const path = write(text);
    expect(() => loadInventory(path)).toThrow(expect.objectContaining({ code: 'CLAWSUP_ERR_FLEET_INVENTORY', message: expect.stringMatching(message) }));
  });

  it('takes JSON5 with comments, resolves token files beside it, and drops a trailing slash', () => {
    const path = write('// the fleet\n{ nodes: [{ name: "mini-1", url: "https://127.0.0.1:9/", tokenFile: "token", caFile: "token" }] }');
    expect(loadInventory(path).nodes).toEqual([{ name: 'mini-1', url: 'https://127.0.0.1:9', tokenFile: join(temp.path, 'token'), caFile: join(temp.path, 'token') }]);
  });

  it('clawctl says where the mistake is, with no stack trace, and exits 78', async () => {
    const path = write('{ nodes: [{ name: "a", url: "gopher://a", tokenFile: "token" }] }');
    const run = await runClawctl(['fleet', 'status', '--inventory', path], { env: { HOME: temp.path } });
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/inv-\w+\.json5:1:29: nodes\.0\.url: expected an http/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a damaged last-seen cache is read as empty, never an error', () => {
    const path = join(temp.path, 'last-seen.json');
    for (const text of ['{"a": "2026-12-01T00:00:00.000Z", "b": 5, "c": "not a time"}', '[1, 2]', '{"a": ', '']) {
      writeFileSync(path, text);
      expect(readLastSeen(path)).toEqual(text.startsWith('{"a": "') ? { a: '2026-12-01T00:00:00.000Z' } : {});
    }
    expect(readLastSeen(join(temp.path, 'no-such-cache.json'))).toEqual({});
  });

  it.each([
    [['fleet'], /fleet takes status, events or serve, found nothing/],
    [['fleet', 'status', '--timeout', '5m'], /--timeout takes 100ms to 60s \(3s, 2500ms\), found "5m"/],
    [['fleet', 'status', '--timeout', '50ms'], /--timeout takes 100ms to 60s/],
    [['fleet', 'events', '--since', 'yesterday'], /--since takes 45s, 30m, 12h, 7d or an ISO 8601 time/],
    [['fleet', 'serve', '--listen', 'http://127.0.0.1:1'], /--listen: expected "host:port"/],
    [['fleet', 'status', '--bogus'], /Unknown option '--bogus'/],
  ])('clawctl %j is a usage error (exit 64)', async (args, message) => {
    const run = await runClawctl(args, { env: { HOME: temp.path } });
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(message);
  });

  it('fleet serve on a port in use says so and exits 73', async () => {
    const path = write('{ nodes: [{ name: "a", url: "http://127.0.0.1:1", tokenFile: "token" }] }');
    const holder = await startFakeNode('x', answerJson({}));
    try {
      const run = await runClawctl(['fleet', 'serve', '--inventory', path, '--listen', holder.url.replace('http://', '')], { env: { HOME: temp.path } });
      expect(run.code).toBe(73);
      expect(run.stderr).toMatch(/--listen 127\.0\.0\.1:\d+: cannot listen: EADDRINUSE \(the port is in use\)/);
    } finally {
      await holder.close();
    }
  });

  it('a missing default inventory says how to write one', async () => {
    const run = await runClawctl(['fleet', 'status'], { env: { HOME: temp.path } });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`${join(temp.path, '.config/clawsup/fleet.json5')}: cannot read the fleet inventory: ENOENT`);
  });
});
