/**
 * Opt-in (CLAWSUP_REAL_OPENCLAW=1): the real OpenClaw 2026.9.6 under clawsupd with cron.leader on a real Redis. Its
 * cron really starts and stops by the hot reload of `cron.enabled` (the gateway's own `cron.status` says so), no restart.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callGatewayRpc } from '../../src/probes/slack/gateway-rpc.js';
import { cleanupDaemons, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const ENABLED = process.env['CLAWSUP_REAL_OPENCLAW'] === '1';
const INSTALL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'install-openclaw.sh');
const TOKEN = `clawsup-cron-${Math.random().toString(36).slice(2)}`;
// The real gateway applies a cron.enabled change 1-2 s after the write (its reload debounce): the margin must cover it.
const LEASE_MS = 9_000;

function installOpenClaw(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [INSTALL_SCRIPT], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.trim().split('\n').at(-1)?.trim() ?? '');
    });
  });
}

describe.skipIf(!ENABLED)('real OpenClaw gateway: cron switched by cron.leader (CLAWSUP_REAL_OPENCLAW=1)', () => {
  let redis: RedisServer;
  let daemon: Daemon;
  let url = '';
  const temp = makeTempDir('cs-real-cron-');

  const isCronEnabled = async (): Promise<boolean | undefined> => {
    try {
      const status = (await callGatewayRpc({ url, token: TOKEN, method: 'cron.status', timeoutMs: 3_000, scopes: ['operator.read', 'operator.admin'] })) as { enabled?: boolean };
      return status.enabled;
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    const bin = await installOpenClaw();
    redis = await startRedis();
    const port = await freePort();
    url = `ws://127.0.0.1:${port}`;
    const openclawConfigPath = join(temp.path, 'openclaw.json');
    mkdirSync(join(temp.path, 'home'), { recursive: true });
    writeFileSync(openclawConfigPath, JSON.stringify({ gateway: { mode: 'local' }, cron: { enabled: true } }));
    daemon = startDaemon({
      config: {
        gateway: {
          command: [join(bin, 'openclaw'), 'gateway', 'run', '--allow-unconfigured', '--bind', 'loopback', '--port', String(port), '--auth', 'token', '--token', TOKEN],
          env: { HOME: join(temp.path, 'home'), OPENCLAW_STATE_DIR: join(temp.path, 'state'), OPENCLAW_CONFIG_PATH: openclawConfigPath, OPENCLAW_GATEWAY_TOKEN: TOKEN, PATH: `${bin}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
          openclawConfigPath,
        },
        health: { url: `http://127.0.0.1:${port}` },
        cron: { leader: { enabled: true, redisUrl: redis.url, leaseMs: LEASE_MS } },
      },
    });
  }, 20 * 60_000);

  afterAll(async () => {
    await cleanupDaemons();
    await redis?.stop();
    temp.remove();
  }, 60_000);

  it('the leader\'s gateway has cron on; Redis down turns it off (no-quorum); Redis back turns it on again, without a gateway restart', async () => {
    await waitFor('the gateway answers cron.status with cron on', async () => (await isCronEnabled()) === true, 180_000, 500).catch((error: Error) => {
      throw new Error(`${error.message}\nstatus: ${JSON.stringify(daemon.status())}\ncron.json: ${readFileSync(join(daemon.statusDir, 'cron.json'), 'utf8')}\nlogs: ${JSON.stringify(daemon.logs().slice(-15))}`);
    });
    const gatewayPid = daemon.status()?.gateway?.pid as number;
    await redis.stop();
    await waitFor('cron off in the real gateway', async () => (await isCronEnabled()) === false, 30_000, 250);
    await redis.start();
    await waitFor('cron on again in the real gateway', async () => (await isCronEnabled()) === true, 60_000, 250);
    expect(daemon.status()?.gateway?.pid).toBe(gatewayPid);
    expect(daemon.status()?.gateway?.restarts ?? 0).toBe(0);
    // Its jobs (the gateway's own system jobs here) are read through cron.list, with a hash to compare across nodes.
    const cron = await waitFor('the jobs in cron.json', () => {
      const read = JSON.parse(readFileSync(join(daemon.statusDir, 'cron.json'), 'utf8')) as { jobs: { count: number; definitionsHash: string } | null; jobsError: string | null };
      return read.jobs !== null ? read : undefined;
    }, 90_000, 500);
    expect(cron.jobs?.definitionsHash).toMatch(/^[0-9a-f]{16}$/);
  }, 300_000);
});
