/**
 * Opt-in: runs against the real OpenClaw gateway (openclaw@2026.9.6 on Node 24), installed by
 * test/helpers/install-openclaw.sh into a cache outside the repo (about 800 MB, ~35 s to
 * install with a warm npm cache). Enable with CLAWSUP_REAL_OPENCLAW=1.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callGatewayRpc, GatewayRpcError } from '../../src/probes/slack/gateway-rpc.js';
import { statusSchema } from '../../src/status/status-schema.js';
import { cleanupDaemons, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { isAlive } from '../helpers/processes.js';

const ENABLED = process.env['CLAWSUP_REAL_OPENCLAW'] === '1';
const HERE = dirname(fileURLToPath(import.meta.url));
const INSTALL_SCRIPT = join(HERE, '..', 'helpers', 'install-openclaw.sh');
const TOKEN = `clawsup-test-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

// Environment keys that make the gateway believe a service manager owns it.
const SUPERVISOR_HINTS = [
  'INVOCATION_ID',
  'SYSTEMD_EXEC_PID',
  'JOURNAL_STREAM',
  'OPENCLAW_SYSTEMD_UNIT',
  'OPENCLAW_LAUNCHD_LABEL',
  'OPENCLAW_SUPERVISOR_MODE',
  'OPENCLAW_SERVICE_MARKER',
  'OPENCLAW_SERVICE_KIND',
  'LAUNCH_JOB_LABEL',
  'LAUNCH_JOB_NAME',
  'XPC_SERVICE_NAME',
];

function installOpenClaw(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [INSTALL_SCRIPT], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`install-openclaw.sh failed: ${error.message}\n${stderr.slice(-4000)}`));
        return;
      }
      const lines = stdout.trim().split('\n');
      const bin = lines[lines.length - 1]?.trim();
      if (!bin) reject(new Error('install-openclaw.sh printed no bin dir'));
      else resolve(bin);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!ENABLED)('real OpenClaw gateway (CLAWSUP_REAL_OPENCLAW=1)', () => {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let tempRoot: string | undefined;
  let port = 0;
  let url = '';
  let output = '';

  const tail = (): string => output.slice(-4000).split(TOKEN).join('[REDACTED]');

  beforeAll(async () => {
    const bin = await installOpenClaw();
    tempRoot = await mkdtemp(join(tmpdir(), 'clawsup-real-openclaw-'));
    port = await freePort();
    url = `ws://127.0.0.1:${port}`;

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of SUPERVISOR_HINTS) delete env[key];
    delete env['OPENCLAW_GATEWAY_TOKEN'];
    delete env['OPENCLAW_GATEWAY_PORT'];
    delete env['OPENCLAW_CONFIG_PATH'];
    delete env['OPENCLAW_PROFILE'];
    Object.assign(env, {
      HOME: join(tempRoot, 'home'),
      OPENCLAW_STATE_DIR: join(tempRoot, 'state'),
      OPENCLAW_SKIP_CRON: '1',
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      NO_COLOR: '1',
    });

    child = spawn(
      join(bin, 'openclaw'),
      ['gateway', 'run', '--allow-unconfigured', '--bind', 'loopback', '--port', String(port), '--auth', 'token', '--token', TOKEN],
      { cwd: tempRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = child;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    // /healthz answers first; the WebSocket refuses connects ("gateway starting") a little longer.
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`gateway exited ${started.exitCode} during start:\n${tail()}`);
      try {
        await callGatewayRpc({ url, token: TOKEN, method: 'health', timeoutMs: 2_000 });
        break;
      } catch (error) {
        const retryable = error instanceof GatewayRpcError && error.retryable;
        if (!retryable || Date.now() > deadline) throw new Error(`gateway not ready: ${String(error)}\n${tail()}`);
      }
      await sleep(250);
    }
  }, 20 * 60_000);

  afterAll(async () => {
    const pid = child?.pid;
    if (pid !== undefined) {
      // detached: the gateway leads its own process group, and its workers are in it
      const signalGroup = (signal: NodeJS.Signals): boolean => {
        try {
          process.kill(-pid, signal);
          return true;
        } catch {
          return false; // ESRCH: nothing left in the group
        }
      };
      if (signalGroup('SIGTERM')) {
        await Promise.race([exited, sleep(15_000)]);
        await sleep(200);
        signalGroup('SIGKILL'); // whatever outlived the drain
      }
    }
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  }, 60_000);

  it('answers channels.status over the WebSocket RPC with a channels object', async () => {
    const result = await callGatewayRpc({ url, token: TOKEN, method: 'channels.status', params: {}, timeoutMs: 5_000 });
    expect(result).toBeTypeOf('object');
    const status = result as Record<string, unknown>;
    expect(status['channels']).toBeTypeOf('object');
    expect(status['channels']).toEqual({});
    expect(Array.isArray(status['channelOrder'])).toBe(true);
    expect(status).toHaveProperty('channelAccounts');
    expect(status).toHaveProperty('statusIssues');
  });

  it('answers a warm probe quickly', async () => {
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await callGatewayRpc({ url, token: TOKEN, method: 'channels.status', timeoutMs: 5_000 });
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    // ~5-25 ms on an idle 2-core machine; the bound only catches a wrong design (e.g. the 5 s CLI).
    expect(timings[2]).toBeLessThan(1_000);
  });

  it('answers health with ok:true', async () => {
    const health = (await callGatewayRpc({ url, token: TOKEN, method: 'health', timeoutMs: 5_000 })) as Record<string, unknown>;
    expect(health['ok']).toBe(true);
  });

  it('refuses a wrong token as an auth error that does not echo the token', async () => {
    const wrong = `${TOKEN}-wrong`;
    const error = await callGatewayRpc({ url, token: wrong, method: 'channels.status', timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRpcError);
    const rpcError = error as GatewayRpcError;
    expect(rpcError.kind).toBe('auth');
    expect(rpcError.detailCode).toBe('AUTH_TOKEN_MISMATCH');
    expect(rpcError.message).not.toContain(wrong);
    expect(rpcError.message).not.toContain(TOKEN);
  });

  it('reports a method the read scope does not cover as an rpc error', async () => {
    const error = await callGatewayRpc({ url, token: TOKEN, method: 'channels.stop', params: {}, timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayRpcError);
    expect((error as GatewayRpcError).kind).toBe('rpc');
    expect((error as GatewayRpcError).code).toBe('FORBIDDEN');
  });
});

describe.skipIf(!ENABLED)('clawsupd supervising the real OpenClaw gateway (CLAWSUP_REAL_OPENCLAW=1)', () => {
  let tempRoot: string | undefined;

  afterEach(async () => {
    await cleanupDaemons();
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
  }, 60_000);

  it('starts it, sees /startupz go to started, reports healthy (Slack not configured), and stops it cleanly', async () => {
    const bin = await installOpenClaw();
    tempRoot = await mkdtemp(join(tmpdir(), 'clawsup-real-supervised-'));
    const port = await freePort();
    const leaked = [...SUPERVISOR_HINTS, 'OPENCLAW_GATEWAY_PORT', 'OPENCLAW_CONFIG_PATH', 'OPENCLAW_PROFILE'].filter((key) => process.env[key] !== undefined);
    if (leaked.length > 0) process.stdout.write(`note: the gateway inherits ${leaked.join(', ')} from this environment\n`);
    const daemon = startDaemon({
      config: {
        gateway: {
          command: [join(bin, 'openclaw'), 'gateway', 'run', '--allow-unconfigured', '--port', String(port), '--bind', 'loopback', '--auth', 'token', '--token', TOKEN],
          cwd: tempRoot,
          env: {
            HOME: join(tempRoot, 'home'),
            OPENCLAW_STATE_DIR: join(tempRoot, 'state'),
            OPENCLAW_SKIP_CRON: '1',
            OPENCLAW_GATEWAY_TOKEN: TOKEN,
            PATH: `${bin}:${process.env['PATH'] ?? ''}`,
            NO_COLOR: '1',
          },
          stopTimeoutMs: 20_000,
        },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 1_000, timeoutMs: 1_000, startupGraceMs: 90_000, startTimeoutMs: 180_000 },
        slack: { rpcIntervalMs: 2_000 },
      },
    });
    const starting = await daemon.waitForStatus('starting', (s) => s.mode === 'starting' && s.gateway.pid !== null, 30_000);
    expect(starting.probes.startup.state).toBe('starting');
    const healthy = await daemon.waitForStatus('healthy after /startupz', (s) => s.mode === 'healthy', 180_000);
    expect(statusSchema.parse(healthy)).toBeTruthy();
    expect(healthy.probes.startup).toMatchObject({ ok: true, state: 'started' });
    expect(healthy.probes.health).toMatchObject({ ok: true, state: 'live' });
    const withSlack = await daemon.waitForStatus('Slack judged over the RPC', (s) => s.probes.slack.state === 'not-configured' && s.probes.slack.latencyMs !== null, 60_000);
    expect(withSlack.mode, JSON.stringify(withSlack.reasons)).toBe('healthy');
    const startedLog = daemon.logs().find((r) => r.msg === 'gateway started: startup probe passed');
    process.stdout.write(`real gateway: /startupz started ${String(startedLog?.startupMs)} ms after spawn; channels.status ${withSlack.probes.slack.latencyMs} ms\n`);

    const gatewayPid = healthy.gateway.pid as number;
    const exit = await daemon.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const stopped = daemon.status();
    expect(stopped?.mode).toBe('stopped');
    expect(stopped?.gateway.lastExit).toMatchObject({ class: 'clean', reason: 'stopped' });
    expect(isAlive(gatewayPid)).toBe(false);
    expect(JSON.stringify(daemon.logs())).not.toContain(TOKEN);
  }, 15 * 60_000);
});
