import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

type Status = Record<string, any>;
type ProbeTimes = Record<'/healthz' | '/startupz' | '/readyz', number[]>;

afterEach(cleanupDaemons);

// Two deadlines fit in one interval: a started gateway gets /readyz alone while it answers 2xx.
const HEALTH = { intervalMs: 400, timeoutMs: 200, failureThreshold: 3, startupGraceMs: 15_000, hangKillTimeoutMs: 500 };

async function startProbed(health: Record<string, unknown> = HEALTH): Promise<{ daemon: Daemon; control(command: object): Promise<void>; probeTimes(): Promise<ProbeTimes> }> {
  const port = await freePort();
  const daemon = startDaemon({
    config: {
      gateway: { command: [process.execPath, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port), '--startup-ms', '300'], stopTimeoutMs: 5_000 },
      restart: { initialDelayMs: 200, minUptimeMs: 500 },
      health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, ...health },
    },
  });
  const control = async (command: object): Promise<void> => {
    expect((await fetch(`http://127.0.0.1:${port}/__control`, { method: 'POST', body: JSON.stringify(command) })).status).toBe(200);
  };
  const probeTimes = async (): Promise<ProbeTimes> => ((await (await fetch(`http://127.0.0.1:${port}/__probes`)).json()) as { probeTimesMs: ProbeTimes }).probeTimesMs;
  return { daemon, control, probeTimes };
}

/** Waits until `rounds` more /readyz requests have come, and returns how many /healthz came meanwhile. */
async function countHealthOver(probeTimes: () => Promise<ProbeTimes>, rounds: number): Promise<number> {
  const before = await probeTimes();
  const after = await waitFor(`${rounds} more rounds`, async () => {
    const now = await probeTimes();
    return now['/readyz'].length >= before['/readyz'].length + rounds ? now : undefined;
  });
  return after['/healthz'].length - before['/healthz'].length;
}

const isHealthy = (s: Status): boolean => s.mode === 'healthy' && s.probes?.ready.state === 'ready';

describe('probe rounds of a started gateway', () => {
  it('ask /readyz alone while it answers 2xx, and /healthz again each round it does not', async () => {
    const { daemon, control, probeTimes } = await startProbed();
    await daemon.waitForStatus('healthy', isHealthy);
    // The round that saw the start may still be in flight: count from the one after it.
    await countHealthOver(probeTimes, 1);
    expect(await countHealthOver(probeTimes, 3)).toBe(0);
    expect(daemon.status()?.probes.health).toMatchObject({ ok: true, state: 'live', detail: 'HTTP 200' });

    await control({ ready: { failing: ['slack'] } });
    await daemon.waitForStatus('degraded', (s) => s.mode === 'degraded' && s.reasons.includes('channel-failing:slack'));
    await countHealthOver(probeTimes, 1);
    expect(await countHealthOver(probeTimes, 3)).toBeGreaterThanOrEqual(3);
    expect(daemon.status()?.probes.health).toMatchObject({ ok: true, state: 'live' });
    expect(daemon.status()?.gateway.restarts).toBe(0);
  });

  it('still find a hang by /healthz, failureThreshold rounds in a row, as soon as when both are asked at once', async () => {
    // Deadlines long against the timers' jitter: the rounds' timing is what is checked.
    const health = { ...HEALTH, intervalMs: 1_000, timeoutMs: 500 };
    const { daemon, control } = await startProbed(health);
    const healthy = await daemon.waitForStatus('healthy', isHealthy);
    const hungPid = healthy.gateway.pid as number;
    try {
      await control({ http: 'hang' });
      const restarted = await daemon.waitForStatus('restarted after the hang', (s) => s.gateway.restarts === 1 && isHealthy(s), 30_000);
      expect(restarted.gateway.lastExit).toMatchObject({ class: 'transient', reason: 'hang' });
      // The failures that made the hang (the gateway's last output lines follow them): /healthz's, each its own round.
      const failures = (restarted.gateway.lastExit.evidence as string[]).slice(0, HEALTH.failureThreshold);
      for (const line of failures) expect(line).toMatch(/^\S+ GET http:\/\/127\.0\.0\.1:\d+\/healthz: no answer within 500 ms$/);
      // Only the first failing round waits for /readyz, then /healthz; the next ones ask both at once. The last failure
      // then comes 2 intervals after the first round began, as always (2 x intervalMs - timeoutMs after the first
      // failure, 1500 ms), not two deadlines per round later (2000 ms).
      const [firstAtMs = 0, , lastAtMs = 0] = failures.map((line) => Date.parse(line.split(' ')[0] ?? ''));
      expect(lastAtMs - firstAtMs).toBeLessThan(2 * health.intervalMs - health.timeoutMs / 2);
      expect(isAlive(hungPid)).toBe(false);
    } finally {
      killGroup(hungPid);
    }
  });
});
