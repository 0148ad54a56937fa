import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };

afterEach(async () => {
  await cleanupDaemons();
});

async function getJson(port: number, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** A request with a Host header fetch would not send (a DNS-rebinding page's own name). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => void (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function startHealthy(http: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<{ daemon: Daemon; port: number }> {
  const port = await freePort();
  const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, ...http }, ...extra } });
  await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
  await waitFor('the listener', async () => (await fetch(`http://127.0.0.1:${port}/api/v1/status`)).status === 200);
  return { daemon, port };
}

describe('the read-only node API', () => {
  it('serves status, events, skills, the audit and the view as JSON, never cached', async () => {
    const { daemon, port } = await startHealthy({ nodeName: 'kitchen-mini' }, { skills: { nightly: { maxAgeMs: 3_600_000 } } });
    const status = await waitFor('the skill in /api/v1/status', async () => {
      const answer = await getJson(port, '/api/v1/status');
      return answer.body.skills?.nightly !== undefined ? answer : undefined;
    });
    expect(status.status).toBe(200);
    expect(status.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(status.headers.get('cache-control')).toBe('no-store');
    expect(status.headers.get('x-content-type-options')).toBe('nosniff');
    expect(status.body).toMatchObject({ schemaVersion: 1, mode: 'healthy', daemon: { pid: daemon.pid }, gateway: { pid: daemon.status()?.gateway.pid } });

    const events = await getJson(port, '/api/v1/events?since=1h');
    expect(events.status).toBe(200);
    const types = events.body.events.map((event: { type: string }) => event.type);
    expect(types).toContain('daemon-started');
    expect(types).toContain('gateway-started');
    const seqs = events.body.events.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const limited = await getJson(port, '/api/v1/events?limit=2');
    expect(limited.body.events.map((event: { seq: number }) => event.seq)).toEqual(seqs.slice(-2));
    expect(limited.body.omitted).toBe(seqs.length - 2);
    const bad = await getJson(port, '/api/v1/events?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^since takes 45s, 30m, 24h, 7d or an ISO 8601 time .*found "yesterday"/);
    expect((await getJson(port, '/api/v1/events?limit=0')).body.error).toContain('limit takes a whole number from 1 to 10000');

    const skills = await getJson(port, '/api/v1/skills');
    expect(skills.body).toEqual({ nightly: expect.objectContaining({ state: 'unknown' }) });

    const noAudit = await getJson(port, '/api/v1/audit');
    expect(noAudit.status).toBe(404);
    expect(noAudit.body.error).toContain('no audit has run on this node yet');

    const view = await getJson(port, '/api/v1/view');
    expect(view.status).toBe(200);
    expect(Object.keys(view.body).sort()).toEqual(['audit', 'events', 'eventsOmitted', 'node', 'skills', 'status']);
    expect(view.body.node).toEqual({ name: 'kitchen-mini', version: status.body.daemon.version });
    expect(view.body.status.mode).toBe('healthy');
    expect(view.body.events.map((event: { type: string }) => event.type)).toContain('daemon-started');
    expect(view.body.skills.nightly.state).toBe('unknown');
    expect(view.body.audit).toBeNull();
    await daemon.stop();
  });

  it('shows the latest audit snapshot once there is one, and names the node by its host without http.nodeName', async () => {
    const { daemon, port } = await startHealthy();
    mkdirSync(join(daemon.statusDir, 'audit'), { recursive: true });
    const snapshot = { at: new Date().toISOString(), isGatewayHealthy: true, durationMs: 12, capabilities: [], lost: [], notes: [] };
    writeFileSync(join(daemon.statusDir, 'audit', 'latest.json'), JSON.stringify(snapshot));
    const audit = await getJson(port, '/api/v1/audit');
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual({ summary: null, latest: snapshot });
    const view = await getJson(port, '/api/v1/view');
    expect(view.body.audit).toEqual({ summary: null, latest: snapshot });
    expect(view.body.node.name).toBe(view.body.status.daemon.host);
    await daemon.stop();
  });

  it('changes nothing over HTTP: every other method is 405 with Allow, and the gateway runs on untouched', async () => {
    const { daemon, port } = await startHealthy();
    const before = daemon.status();
    for (const path of ['/api/v1/status', '/api/v1/events', '/api/v1/skills', '/api/v1/audit', '/api/v1/view', '/metrics']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, body: method === 'OPTIONS' ? undefined : '{"method":"restart"}' });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, HEAD');
        expect(await response.text()).toContain('read-only');
      }
    }
    const head = await fetch(`http://127.0.0.1:${port}/api/v1/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/restart`)).status).toBe(404);
    const after = await getJson(port, '/api/v1/status');
    expect(after.body.gateway.pid).toBe(before?.gateway.pid);
    expect(after.body.gateway.restarts).toBe(before?.gateway.restarts);
    expect(after.body.mode).toBe('healthy');
    await daemon.stop();
  });

  it('without a token answers only requests addressed to loopback: a DNS-rebinding page\'s Host is refused', async () => {
    const { daemon, port } = await startHealthy();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect((await getWithHost(port, '/api/v1/status', host)).status, host).toBe(200);
    const rebound = await getWithHost(port, '/api/v1/status', `evil.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('only requests addressed to a loopback name');
    expect(rebound.text).not.toContain('"mode"');
    await daemon.stop();
  });
});
