import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestControl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { findProcessesWithMarker, readParentPid } from '../helpers/proc-scan.js';
import { killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const KILLS = 60;
const MAX_KILL_DELAY_MS = 500;
const SAMPLE_EVERY_MS = 5;

const marker = `chaos-${process.pid}-${Date.now()}`;

afterEach(async () => {
  await cleanupDaemons();
  for (const pid of findProcessesWithMarker(marker)) killGroup(pid);
});

/** Parses each JSON file clawsupd writes that exists right now (skill files too); returns the ones that did not. */
function findUnparsable(statusDir: string): string[] {
  const bad: string[] = [];
  let skillFiles: string[] = [];
  try {
    skillFiles = readdirSync(join(statusDir, 'skills')).filter((name) => name.endsWith('.json')).map((name) => join('skills', name));
  } catch {
    // No skill reported yet.
  }
  for (const name of ['status.json', 'diagnosis.json', 'gateway.pid.json', ...skillFiles]) {
    const path = join(statusDir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    try {
      JSON.parse(text);
    } catch {
      bad.push(`${name}: ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  return bad;
}

describe('chaos: clawsupd SIGKILLed at random moments and restarted as systemd would', () => {
  it(`never runs two gateways, never leaves one unsupervised, never writes a half file (${KILLS} kills)`, async () => {
    const temp = makeTempDir('cs-chaos-');
    const port = await freePort();
    const violationsPath = join(temp.path, 'violations');
    writeFileSync(violationsPath, '');
    const statusDir = join(temp.path, 'status');
    const configFor = (crashAfterMs: number) => ({
      gateway: { command: [process.execPath, join(FIXTURES, 'exclusive-gateway.mjs'), String(port), violationsPath, String(crashAfterMs), marker], stopTimeoutMs: 3_000 },
      restart: { initialDelayMs: 150, maxDelayMs: 300, failureLimit: 1_000_000, minUptimeMs: 0, stableAfterMs: 60_000 },
      // Probes every 50 ms, so kills also land mid-probe and mid status write.
      health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 50, timeoutMs: 1_000, failureThreshold: 20 },
      status: { dir: statusDir },
    });
    const reportSkill = (socketPath: string): void => {
      const now = new Date().toISOString();
      const record = { name: 'chaos', status: 'success', startedAt: now, finishedAt: now, durationMs: 0, exitCode: 0, message: null, host: 'chaos', lastSuccessAt: now, maxAgeMs: null };
      // A skill file written while clawsupd dies must still parse; the daemon may well be gone before it answers.
      requestControl(socketPath, 'skill-report', { record }).catch(() => undefined);
    };

    let maxAlive = 0;
    const unparsable: string[] = [];
    const sampler = setInterval(() => {
      maxAlive = Math.max(maxAlive, findProcessesWithMarker(marker).length);
      unparsable.push(...findUnparsable(statusDir));
    }, SAMPLE_EVERY_MS);
    try {
      for (let kill = 0; kill < KILLS; kill += 1) {
        // A third of the runs use a gateway that crashes soon, so kills also land in backoff and in restarts.
        const crashAfterMs = kill % 3 === 0 ? 60 + Math.floor(Math.random() * 60) : 0;
        const daemon = startDaemon({ config: configFor(crashAfterMs), dir: temp.path });
        const killDelayMs = Math.random() * MAX_KILL_DELAY_MS;
        setTimeout(() => reportSkill(daemon.socketPath), Math.max(0, killDelayMs - 2));
        await new Promise((resolve) => setTimeout(resolve, killDelayMs));
        daemon.child.kill('SIGKILL');
        await daemon.exited;
      }
      const final = startDaemon({ config: configFor(0), dir: temp.path });
      const isFinalHealthy = (s: Record<string, any>): boolean => s.daemon?.pid === final.pid && s.mode === 'healthy' && typeof s.gateway?.pid === 'number';
      await final.waitForStatus('a healthy gateway after the last restart', isFinalHealthy, 30_000);
      let seen = '';
      const alive = await waitFor('exactly one gateway, child of the last clawsupd', () => {
        const pids = findProcessesWithMarker(marker);
        seen = pids.map((pid) => `${pid} (parent ${readParentPid(pid)})`).join(', ');
        return pids.length === 1 && readParentPid(pids[0] ?? 0) === final.pid ? pids : undefined;
      }, 20_000).catch((error: Error) => {
        throw new Error(`${error.message}; gateways alive: ${seen}; clawsupd ${final.pid}; status ${JSON.stringify(final.status()?.gateway)}`);
      });
      const status = await final.waitForStatus('the surviving gateway in status.json', (s) => isFinalHealthy(s) && s.gateway.pid === alive[0], 10_000);
      expect(status.gateway.restarts).toBe(0);
      reportSkill(final.socketPath);
      await waitFor('the last skill report on disk', () => existsSync(join(statusDir, 'skills', 'chaos.json')));
    } finally {
      clearInterval(sampler);
    }
    expect(readFileSync(violationsPath, 'utf8')).toBe('');
    expect(maxAlive).toBe(1);
    expect(unparsable).toEqual([]);
    expect(existsSync(join(statusDir, 'status.json'))).toBe(true);
    // The folder goes after the daemons: a live one would write its status back in.
    await cleanupDaemons();
    temp.remove();
  }, 180_000);
});
