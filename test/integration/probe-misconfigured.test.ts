import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { runCommand } from '../../src/install/command-runner.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { requestControl } from '../helpers/control.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
type Status = Record<string, any>;

afterEach(cleanupDaemons);

const GRACE_MS = 1_000;
const INTERVAL_MS = 200;
const THRESHOLD = 3;
// Where today's code kills a gateway as hung: the grace, then `failureThreshold` refused rounds.
const HANG_WINDOW_MS = GRACE_MS + THRESHOLD * INTERVAL_MS;

function startGateway(gatewayPort: number, health: Record<string, unknown>, startupMs = 300): Daemon {
  return startDaemon({
    config: {
      gateway: { command: [node, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(gatewayPort), '--startup-ms', String(startupMs)], stopTimeoutMs: 5_000 },
      restart: { initialDelayMs: 200, minUptimeMs: 500 },
      health: { enabled: true, intervalMs: INTERVAL_MS, timeoutMs: 500, failureThreshold: THRESHOLD, startupGraceMs: GRACE_MS, hangKillTimeoutMs: 500, ...health },
    },
  });
}

const liveStatus = async (daemon: Daemon): Promise<Status> => (await requestControl(daemon.socketPath, 'status')).result as Status;

describe('a health.url on a port the gateway does not listen on', () => {
  it('is probe-misconfigured naming the real port, never a hang within 3× the hang window; corrected by SIGHUP it goes healthy', async () => {
    const [gatewayPort, wrongPort] = [await freePort(), await freePort()];
    const daemon = startGateway(gatewayPort, { url: `http://127.0.0.1:${wrongPort}/healthz` });
    const misconfigured = await daemon.waitForStatus('probe-misconfigured', (s) => s.mode === 'degraded' && s.reasons.includes('probe-misconfigured'), 20_000);
    expect(misconfigured.probes.health.state).toBe('probe-misconfigured');
    expect(misconfigured.probes.health.detail).toContain(`ECONNREFUSED`);
    expect(misconfigured.probes.health.detail).toContain(`listens on port ${gatewayPort}`);
    const pid = misconfigured.gateway.pid as number;
    const spawnedAtMs = Date.parse(misconfigured.gateway.startedAt);
    // Rounds go on past three hang windows: the same gateway, never restarted, still misconfigured.
    const later = await waitFor('probes 3× the hang window after spawn', async () => {
      const status = await liveStatus(daemon);
      return Date.parse(status.probes.health.checkedAt) >= spawnedAtMs + 3 * HANG_WINDOW_MS ? status : undefined;
    }, 30_000, 50);
    expect(later.gateway).toMatchObject({ pid, restarts: 0 });
    expect(later.mode).toBe('degraded');
    expect(later.reasons).toEqual(['probe-misconfigured']);
    expect(daemon.logs().some((r) => r.msg === 'gateway unresponsive: killing its process group')).toBe(false);

    const config = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    config.health.url = `http://127.0.0.1:${gatewayPort}/healthz`;
    writeFileSync(daemon.configPath, JSON.stringify(config));
    daemon.child.kill('SIGHUP');
    const healthy = await daemon.waitForStatus('healthy after the fix', (s) => s.mode === 'healthy', 15_000);
    expect(healthy.reasons).toEqual([]);
    expect(healthy.probes.health).toMatchObject({ ok: true, state: 'live' });
    expect(healthy.gateway).toMatchObject({ pid, restarts: 0 });
  });

  it('a gateway listening on no port at all is not-listening, not hung: the start timeout ends it', async () => {
    const wrongPort = await freePort();
    const daemon = startDaemon({
      config: {
        gateway: { command: [node, join(FIXTURES, 'forever.mjs')], stopTimeoutMs: 5_000 },
        restart: { initialDelayMs: 200, minUptimeMs: 500 },
        health: { enabled: true, url: `http://127.0.0.1:${wrongPort}/healthz`, intervalMs: INTERVAL_MS, timeoutMs: 500, failureThreshold: THRESHOLD, startupGraceMs: GRACE_MS, startTimeoutMs: 3 * HANG_WINDOW_MS },
      },
    });
    const notListening = await daemon.waitForStatus('not-listening', (s) => s.probes?.health.state === 'not-listening');
    expect(notListening).toMatchObject({ mode: 'starting', reasons: [] });
    expect(notListening.probes.health.detail).toContain('listens on no TCP port yet');
    const ended = await daemon.waitForStatus('start-timeout', (s) => s.gateway.lastExit !== null, 20_000);
    expect(ended.gateway.lastExit).toMatchObject({ reason: 'start-timeout' });
  });

  it('clawctl doctor says health.url names a port nothing listens on, and names the port the gateway listens on', async () => {
    const [gatewayPort, wrongPort] = [await freePort(), await freePort()];
    const daemon = startGateway(gatewayPort, { url: `http://127.0.0.1:${wrongPort}/healthz`, startupGraceMs: 60_000 });
    await daemon.waitForStatus('a running gateway', (s) => typeof s.gateway?.pid === 'number');
    // The gateway listens once node has started it: doctor looks after that.
    await waitFor('the gateway listening', async () => (await fetch(`http://127.0.0.1:${gatewayPort}/healthz`)).ok);
    const out: string[] = [];
    const context = { configPath: daemon.configPath, socketPath: undefined, stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) };
    const code = await runDoctor(['--platform', 'linux', '--json'], context, { env: { HOME: daemon.dir, PATH: process.env.PATH ?? '' }, runner: runCommand });
    const report = JSON.parse(out.join('')) as { results: Array<{ name: string; verdict: string; detail: string; fix: string | null }> };
    const check = report.results.find((result) => result.name === 'health probe port');
    expect(check).toMatchObject({ verdict: 'fail' });
    expect(check?.detail).toContain(`port ${wrongPort}`);
    expect(check?.detail).toContain(`listens on port ${gatewayPort}`);
    expect(check?.fix).toContain(`http://127.0.0.1:${gatewayPort}/healthz`);
    expect(code).toBe(2);
  });
});

describe('the gateway\'s ready line', () => {
  it('is probed at once: a /startupz request arrives right after `[gateway] ready`, not at the next interval', async () => {
    const gatewayPort = await freePort();
    const intervalMs = 4_000;
    const daemon = startGateway(gatewayPort, { url: `http://127.0.0.1:${gatewayPort}/healthz`, intervalMs, startupGraceMs: 30_000 }, 1_500);
    const healthy = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy', 20_000);
    const seen = (await (await fetch(`http://127.0.0.1:${gatewayPort}/__probes`)).json()) as { readyLineAtMs: number; probeTimesMs: Record<string, number[]> };
    const firstAfterLine = seen.probeTimesMs['/startupz']?.find((atMs) => atMs >= seen.readyLineAtMs);
    expect(firstAfterLine).toBeDefined();
    // Within a quarter of the interval (a generous margin for a loaded machine), not at the next round.
    expect((firstAfterLine ?? Infinity) - seen.readyLineAtMs).toBeLessThan(intervalMs / 4);
    expect(Date.parse(healthy.since)).toBeLessThan(seen.readyLineAtMs + intervalMs / 4);
  });
});
