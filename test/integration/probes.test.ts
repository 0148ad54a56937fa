import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusSchema } from '../../src/status/status-schema.js';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { requestControl } from '../helpers/control.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const TOKEN = `probe-test-token-${process.pid}-${Date.now().toString(36)}`;
type Status = Record<string, any>;

afterEach(cleanupDaemons);

interface FakeOptions {
  startupMs?: number | 'never';
  withToken?: boolean;
  health?: Record<string, unknown>;
  slack?: Record<string, unknown>;
}

async function startWithFakeGateway(options: FakeOptions = {}): Promise<{ daemon: Daemon; control(command: object): Promise<void> }> {
  const port = await freePort();
  const daemon = startDaemon({
    config: {
      gateway: {
        command: [node, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port), '--startup-ms', String(options.startupMs ?? 300)],
        env: options.withToken ? { OPENCLAW_GATEWAY_TOKEN: TOKEN } : {},
        stopTimeoutMs: 5_000,
      },
      restart: { initialDelayMs: 200, minUptimeMs: 500 },
      // Small intervals keep the tests short; the grace covers a slow node start before /startupz says started.
      health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500, failureThreshold: 3, startupGraceMs: 15_000, hangKillTimeoutMs: 500, ...options.health },
      slack: { rpcIntervalMs: 300, staleAfterMs: 2_500, maxDisconnectsPerHour: 3, ...options.slack },
    },
  });
  const control = async (command: object): Promise<void> => {
    const response = await fetch(`http://127.0.0.1:${port}/__control`, { method: 'POST', body: JSON.stringify(command) });
    expect(response.status).toBe(200);
  };
  return { daemon, control };
}

const isHealthy = (s: Status): boolean => s.mode === 'healthy';
const hasReason = (reason: string) => (s: Status): boolean => s.mode === 'degraded' && s.reasons.includes(reason);

describe('HTTP probes', () => {
  it('is starting until /startupz says started, then healthy, with every probe in status.json', async () => {
    const { daemon } = await startWithFakeGateway({ startupMs: 1_500 });
    const starting = await daemon.waitForStatus('starting with a live gateway', (s) => s.mode === 'starting' && s.probes?.health.state === 'live');
    expect(starting.probes.startup).toMatchObject({ ok: false, state: 'starting' });
    const healthy = await daemon.waitForStatus('healthy', (s) => isHealthy(s) && s.probes.ready.state === 'ready');
    expect(statusSchema.parse(healthy)).toBeTruthy();
    expect(healthy.probes.startup).toMatchObject({ ok: true, state: 'started' });
    expect(healthy.probes.health).toMatchObject({ ok: true, state: 'live', consecutiveFailures: 0 });
    expect(healthy.probes.slack).toMatchObject({ ok: true, state: 'not-configured' });
    expect(healthy.recovery.lastHealthyAt).toEqual(expect.any(String));
    expect(healthy.reasons).toEqual([]);
    expect((await daemon.stop()).code).toBe(0);
    expect(daemon.status()?.probes).toMatchObject({ health: { state: 'down' }, ready: { state: 'down' } });
    // The last answer was the stopped gateway's: a down probe carries no timing or detail of it.
    expect(daemon.status()?.probes.health).toMatchObject({ latencyMs: null, detail: null });
  });

  it('stays healthy while answers are slow but inside the deadline', async () => {
    const { daemon, control } = await startWithFakeGateway();
    await daemon.waitForStatus('healthy', isHealthy);
    await control({ http: 'slow', slowMs: 150 });
    // Timings alone reach status.json only every status.routineWriteIntervalMs: ask the daemon for the live view.
    const slow = await waitFor('slow answers seen', async () => {
      const { result } = await requestControl(daemon.socketPath, 'status');
      return result.probes.health.latencyMs >= 150 && result.probes.health.checkedAt > new Date(Date.now() - 100).toISOString() ? result : undefined;
    });
    expect(slow.mode).toBe('healthy');
    expect(slow.gateway.restarts).toBe(0);
  });

  it.each([
    ['its HTTP hangs', async (_daemon: Daemon, control: (c: object) => Promise<void>) => control({ http: 'hang' })],
    ['its event loop is blocked', async (_daemon: Daemon, control: (c: object) => Promise<void>) => control({ block: true })],
    ['it is SIGSTOPped', async (daemon: Daemon) => void process.kill(daemon.status()?.gateway.pid, 'SIGSTOP')],
  ])('kills and restarts a gateway whose process lives but %s: lastExit reason hang', async (_name, misbehave) => {
    const { daemon, control } = await startWithFakeGateway();
    const healthy = await daemon.waitForStatus('healthy', isHealthy);
    const hungPid = healthy.gateway.pid as number;
    try {
      await misbehave(daemon, control);
      const restarted = await daemon.waitForStatus('restarted after the hang', (s) => s.gateway.restarts === 1 && isHealthy(s), 30_000);
      expect(restarted.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'hang' });
      expect(restarted.gateway.lastExit.evidence.join('\n')).toMatch(/no answer within 500 ms|ECONNRESET|socket/);
      expect(restarted.gateway.pid).not.toBe(hungPid);
      expect(isAlive(hungPid)).toBe(false);
      expect(restarted.recovery.lastRecoveryMs).toBeGreaterThan(0);
      expect(Date.parse(restarted.recovery.lastDownAt)).toBeLessThan(Date.parse(restarted.recovery.lastHealthyAt));
      const hang = daemon.logs().find((r) => r.msg === 'gateway unresponsive: killing its process group');
      expect(hang).toMatchObject({ reason: 'hang', gatewayPid: hungPid });
    } finally {
      killGroup(hungPid);
    }
  });

  it('ends a start that never completes in start-timeout', async () => {
    const { daemon } = await startWithFakeGateway({ startupMs: 'never', health: { startTimeoutMs: 1_500 } });
    const status = await daemon.waitForStatus('start-timeout', (s) => s.gateway.lastExit?.reason === 'start-timeout', 30_000);
    expect(status.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'start-timeout' });
    expect(status.gateway.lastExit.evidence[0]).toMatch(/not started within 1500 ms \(HTTP 503 starting\)/);
  });

  it('reads readiness: failing, suppressed (behind a 200) and a degraded event loop make the node degraded, never restarted', async () => {
    // The loop counts once degraded for 1 s (the default 30 s would only slow the test).
    const { daemon, control } = await startWithFakeGateway({ health: { eventLoopDegradedAfterMs: 1_000 } });
    await daemon.waitForStatus('healthy', isHealthy);
    await control({ ready: { failing: ['slack'] } });
    await daemon.waitForStatus('channel-failing:slack', hasReason('channel-failing:slack'));
    await control({ ready: { failing: [], suppressed: ['slack'] } });
    const suppressed = await daemon.waitForStatus('channel-suppressed:slack', (s) => hasReason('channel-suppressed:slack')(s) && s.reasons.length === 1);
    expect(suppressed.probes.ready).toMatchObject({ ok: false, state: 'not-ready' });
    await control({ ready: { suppressed: [], eventLoopDegraded: true } });
    await daemon.waitForStatus('event-loop-degraded', (s) => hasReason('event-loop-degraded')(s) && s.reasons.length === 1);
    await control({ ready: { eventLoopDegraded: false } });
    // What the gateway says fails reaches status.json redacted, in the probe detail and in reasons[].
    await control({ ready: { eventLoopDegraded: false, failing: ['slack token=xoxb-1234567890-abcdefghijkl'] } });
    const named = await daemon.waitForStatus('a failing channel named with a token', (s) => s.reasons.some((r: string) => r.startsWith('channel-failing:slack')));
    expect(JSON.stringify(named)).not.toContain('xoxb-1234567890');
    await control({ ready: { failing: [] } });
    const back = await daemon.waitForStatus('healthy again', isHealthy);
    expect(back.gateway.restarts).toBe(0);
    expect(back.recovery.lastRecoveryMs).toEqual(expect.any(Number));
  });
});

describe('Slack probe', () => {
  it('reads the gateway\'s Slack lines: connected, disconnected, duplicate, blocked', async () => {
    const { daemon, control } = await startWithFakeGateway();
    await daemon.waitForStatus('healthy', isHealthy);
    await control({ slack: 'connected' });
    await daemon.waitForStatus('slack connected', (s) => isHealthy(s) && s.probes.slack.state === 'connected');
    await control({ slack: 'disconnected' });
    const down = await daemon.waitForStatus('slack-disconnected', hasReason('slack-disconnected'));
    expect(down.probes.slack).toMatchObject({ ok: false, state: 'disconnected' });
    await control({ slack: 'duplicate' });
    const duplicate = await daemon.waitForStatus('slack-duplicate-connection', (s) => hasReason('slack-duplicate-connection')(s) && s.probes.slack.state === 'duplicate');
    expect(duplicate.probes.slack.detail).toContain('2 active connections');
    await control({ slack: 'blocked' });
    await daemon.waitForStatus('slack-blocked', (s) => hasReason('slack-blocked')(s) && s.probes.slack.state === 'blocked');
    expect(daemon.status()?.gateway.restarts).toBe(0);
  });

  it('calls more than maxDisconnectsPerHour disconnects flapping', async () => {
    const { daemon, control } = await startWithFakeGateway();
    await daemon.waitForStatus('healthy', isHealthy);
    await control({ slack: 'flapping', count: 4 });
    const flapping = await daemon.waitForStatus('slack-flapping', (s) => hasReason('slack-flapping')(s) && s.probes.slack.state === 'flapping');
    expect(flapping.probes.slack.detail).toContain('4 disconnects in the last hour');
  });

  it('over the RPC: a connected socket whose transport clock stops is stale; the token never reaches the log', async () => {
    const { daemon, control } = await startWithFakeGateway({ withToken: true });
    await daemon.waitForStatus('healthy, Slack not configured (RPC)', (s) => isHealthy(s) && s.probes.slack.state === 'not-configured');
    await control({ slack: 'stale' });
    await daemon.waitForStatus('connected first', (s) => s.probes.slack.state === 'connected');
    const stale = await daemon.waitForStatus('slack-stale', (s) => hasReason('slack-stale')(s) && s.probes.slack.state === 'stale');
    expect(stale.probes.slack.detail).toMatch(/no transport activity/);
    await control({ slack: 'blocked' });
    await daemon.waitForStatus('blocked (RPC and log)', (s) => s.probes.slack.state === 'blocked');
    const everything = JSON.stringify(daemon.logs()) + daemon.stderr() + JSON.stringify(daemon.status());
    expect(everything).not.toContain(TOKEN);
    expect(daemon.logs().some((r) => r.tokenSource === 'gateway.env.OPENCLAW_GATEWAY_TOKEN')).toBe(true);
  });

  it.each([
    ['with a transport clock that keeps ticking', {}],
    ['without any transport clock (as the 2026.9.6 plugin reports)', { transportClock: false }],
  ])('keeps a quiet but healthy Slack healthy %s', async (_name, extra) => {
    const { daemon, control } = await startWithFakeGateway({ withToken: true });
    await daemon.waitForStatus('healthy', isHealthy);
    await control({ slack: 'connected', ...extra });
    const connected = await daemon.waitForStatus('slack connected', (s) => s.probes.slack.state === 'connected');
    const connectedAtMs = Date.parse(connected.probes.slack.checkedAt);
    // No inbound event for hours (the fixture says so), and now twice staleAfterMs of silence more.
    const later = await daemon.waitForStatus('checked well past staleAfterMs', (s) => Date.parse(s.probes.slack.checkedAt) > connectedAtMs + 5_000);
    expect(later.mode).toBe('healthy');
    expect(later.probes.slack).toMatchObject({ ok: true, state: 'connected' });
    expect(daemon.logs().filter((r) => r.msg === 'slack state changed').map((r) => r.state)).not.toContain('stale');
  });
});
