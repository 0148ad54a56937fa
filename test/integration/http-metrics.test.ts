import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeToken } from '../helpers/http-token.js';

const node = process.execPath;
const forever = { command: [node, join(FIXTURES, 'forever.mjs')] };
const servers: Server[] = [];
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const temp of temps.splice(0)) temp.remove();
});

function tempDir(): string {
  const temp = makeTempDir();
  temps.push(temp);
  return temp.path;
}

async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Resolves once the listener answers at all (any status): the daemon has bound it. */
function waitForListener(port: number): Promise<true> {
  return waitFor(`the listener on ${port}`, async () => (await get(port, '/metrics')).status > 0);
}

describe('the http listener and /metrics', () => {
  it('serves /metrics in the text format on a loopback listen, and 404/405 say what is served', async () => {
    const port = await freePort();
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}` } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    await waitForListener(port);
    const metrics = await waitFor('healthy in /metrics', async () => {
      const response = await get(port, '/metrics');
      return response.text.includes('clawsup_mode{mode="healthy"} 1') ? response : undefined;
    });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toContain('clawsup_gateway_up 1');
    expect(metrics.text).toMatch(/clawsup_build_info\{version="[^"]+",node_version="[^"]+"\} 1/);
    expect(metrics.text).not.toMatch(/^up[ {]/m);
    const missing = await get(port, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('no such path: /nope (this listener serves /metrics, /api/v1/status, ');
    const posted = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    await posted.text();
    await daemon.stop();
  });

  it('refuses a request without the token (401) and with a wrong one once http.tokenFile is set, /metrics included', async () => {
    const port = await freePort();
    const dir = tempDir();
    const tokenFile = writeToken(dir, 's3cret-token');
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tokenFile } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    await waitForListener(port);
    const none = await get(port, '/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="clawsup"');
    expect(none.text).toContain('a token is required');
    expect(none.text).not.toContain('clawsup_mode');
    const wrong = await get(port, '/metrics', { authorization: 'Bearer s3cret-tokeN' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('wrong token');
    // Without the token no one learns which paths exist.
    expect((await get(port, '/nope')).status).toBe(401);
    const right = await get(port, '/metrics', { authorization: 'Bearer s3cret-token' });
    expect(right.status).toBe(200);
    expect(right.text).toContain('clawsup_mode{mode="healthy"} 1');
    await daemon.stop();
  });

  it('reads http.tokenFile again on SIGHUP: the new token works at once and the old one is refused', async () => {
    const port = await freePort();
    const dir = tempDir();
    const tokenFile = writeToken(dir, 'old-token');
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tokenFile } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    await waitForListener(port);
    expect((await get(port, '/metrics', { authorization: 'Bearer old-token' })).status).toBe(200);
    writeToken(dir, 'new-token');
    daemon.child.kill('SIGHUP');
    await waitFor('the new token accepted', async () => (await get(port, '/metrics', { authorization: 'Bearer new-token' })).status === 200);
    expect((await get(port, '/metrics', { authorization: 'Bearer old-token' })).status).toBe(401);
    await daemon.stop();
  });

  it('ends at start with a clear error (exit 73) when the port is in use, naming the address and where it is set', async () => {
    const holder = createServer();
    servers.push(holder);
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}` } } });
    const exit = await daemon.exited;
    expect(exit.code).toBe(73);
    expect(daemon.stderr()).toMatch(new RegExp(`^clawsupd: ${daemon.configPath.replace(/[.]/g, '\\.')}:\\d+:\\d+: http\\.listen 127\\.0\\.0\\.1:${port}: cannot listen: the port is already in use by another process`));
    expect(daemon.stderr()).not.toContain('    at ');
    // Refused before the gateway ever ran.
    expect(daemon.logs().some((record) => record.msg === 'gateway started')).toBe(false);
  });

  it.each([
    ['readable by every user', 0o644, 'readable by every user (mode 0644): chmod 600 it'],
    ['empty', 0o600, 'the file is empty'],
  ])('refuses at start (exit 78) a token file that is %s, saying where it is set', async (_name, mode, why) => {
    const port = await freePort();
    const dir = tempDir();
    const tokenFile = writeToken(dir, why === 'the file is empty' ? '' : 'tok', mode);
    if (why === 'the file is empty') writeFileSync(tokenFile, '\n');
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tokenFile } } });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toMatch(new RegExp(`^clawsupd: .*\\.json5:\\d+:\\d+: http\\.tokenFile: ${tokenFile}: ${why.replace(/[()]/g, '\\$&')}`));
  });

  it('refuses at start (exit 78) a non-loopback listen without http.tokenFile, naming the line', async () => {
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: '0.0.0.0:9999' } } });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toMatch(/\.json5:\d+:\d+: http\.listen: a listen address other than loopback .* needs http\.tokenFile/);
  });

  it('writes metrics.textfile atomically (renamed over, never half a file, no temp file left) and at once on a mode change', async () => {
    const dir = tempDir();
    const textfile = join(dir, 'clawsup.prom');
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'module-not-found-on-signal.mjs')] }, metrics: { textfile, textfileIntervalMs: 1_000 } },
    });
    const healthy = await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    await waitFor('healthy in the textfile', () => readFileSync(textfile, 'utf8').includes('clawsup_mode{mode="healthy"} 1'));
    const firstInode = statSync(textfile).ino;
    await daemon.waitForLog('the gateway waits for its signal', (record) => record.line === 'waiting for SIGUSR2');
    process.kill(healthy.gateway.pid, 'SIGUSR2');
    // Read it as fast as we can while it is rewritten: every read is a whole file.
    const reads = await waitFor('diagnose in the textfile', (() => {
      let count = 0;
      return () => {
        const text = readFileSync(textfile, 'utf8');
        count += 1;
        expect(text.endsWith('\n')).toBe(true);
        expect(text).toContain('# TYPE clawsup_build_info gauge');
        return text.includes('clawsup_mode{mode="diagnose"} 1') ? count : undefined;
      };
    })(), 10_000, 1);
    expect(reads).toBeGreaterThan(0);
    const text = readFileSync(textfile, 'utf8');
    expect(text).toContain('clawsup_diagnose_entries_total{reason="module-not-found"} 1');
    expect(text).toContain('clawsup_gateway_exits_total{class="structural",reason="module-not-found"} 1');
    expect(statSync(textfile).ino).not.toBe(firstInode);
    expect(statSync(textfile).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir).filter((name) => name !== 'clawsup.prom')).toEqual([]);
    await daemon.stop();
  });

  it('refuses at start (exit 73) a metrics.textfile it cannot write, saying where it is set', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const daemon = startDaemon({ config: { gateway: forever, metrics: { textfile: join(dir, 'not-a-folder', 'clawsup.prom') } } });
    expect((await daemon.exited).code).toBe(73);
    expect(daemon.stderr()).toMatch(/^clawsupd: .*\.json5:\d+:\d+: metrics\.textfile .*clawsup\.prom: cannot write it: (ENOTDIR|EEXIST)/);
  });
});
