// The single-file bundle the units and `npm start` run (dist/clawsupd.cjs, scripts/bundle.mjs): it reads its version,
// validates a config, supervises and probes a gateway, and stops cleanly, as dist/daemon/clawsupd.js does.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir, removeLiveDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const BUNDLE = join(REPO_ROOT, 'dist', 'clawsupd.cjs');
const ENV = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function readStatus(statusDir: string): Record<string, any> | null {
  try {
    return JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The bundle on `configPath`, in `dir`; ended (SIGKILL if need be) and `dir` removed after the test. */
function startBundle(configPath: string, dir: string, options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BUNDLE, '--config', configPath], { cwd: dir, env: { ...ENV, ...options.env }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    removeLiveDir(dir);
  });
  return { child, exited };
}

/** A temp dir with a config that supervises the fake gateway on a free port, probed every 200 ms, plus `extra` sections. */
async function prepareNode(extra: (dir: string) => Record<string, unknown> = () => ({})): Promise<{ dir: string; statusDir: string; configPath: string; config: Record<string, unknown> }> {
  const temp = makeTempDir();
  const port = await freePort();
  const statusDir = join(temp.path, 'status');
  const configPath = join(temp.path, 'clawsup.json5');
  const config = {
    gateway: { command: [process.execPath, join(FIXTURES, 'fake-gateway.mjs'), '--port', String(port)], stopTimeoutMs: 5_000 },
    health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500 },
    status: { dir: statusDir },
    control: { socket: join(temp.path, 'ctl.sock') },
    ...extra(temp.path),
  };
  writeFileSync(configPath, JSON.stringify(config));
  return { dir: temp.path, statusDir, configPath, config };
}

describe('the clawsupd bundle (dist/clawsupd.cjs)', () => {
  it('prints the package version and refuses a bad config with its location, as the ES module build does', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const printed = spawnSync(process.execPath, [BUNDLE, '--version'], { env: ENV, encoding: 'utf8' });
    expect(printed.stdout.trim()).toBe(version);
    const temp = makeTempDir();
    cleanups.push(() => temp.remove());
    const configPath = join(temp.path, 'bad.json5');
    writeFileSync(configPath, '{ gateway: { command: ["node"] }, restart: { failureLimit: "x" } }');
    const checked = spawnSync(process.execPath, [BUNDLE, '--config', configPath, '--check'], { env: ENV, encoding: 'utf8' });
    expect(checked.status).toBe(78);
    expect(checked.stderr).toContain(`${configPath}:1:`);
    expect(checked.stderr).toContain('restart.failureLimit');
  });

  it('supervises and probes a gateway to healthy with metrics on (a module with its own require), then stops it and exits 0 on SIGTERM', async () => {
    // metrics-collector.ts declares its own `require` (createRequire): the bundle must not shadow its own with it.
    const { dir, statusDir, configPath } = await prepareNode((dir) => ({ metrics: { textfile: join(dir, 'clawsup.prom'), textfileIntervalMs: 1_000 } }));
    const { child, exited } = startBundle(configPath, dir);
    const healthy = await waitFor('healthy', () => {
      const status = readStatus(statusDir);
      return status?.mode === 'healthy' && status.probes?.ready?.state === 'ready' ? status : undefined;
    }, 30_000);
    await waitFor('the metrics textfile', () => existsSync(join(dir, 'clawsup.prom')) && readFileSync(join(dir, 'clawsup.prom'), 'utf8').includes('clawsup_mode'), 10_000);
    const gatewayPid = healthy.gateway.pid as number;
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readStatus(statusDir)?.mode).toBe('stopped');
    expect(() => process.kill(gatewayPid, 0)).toThrow();
  });

  it('holds none of the built-ins it has no use for while idle, metrics and alerts on: no crypto, fs/promises, v8, perf_hooks, https, worker_threads, assert or dns', async () => {
    // Nothing listens on port 9: a healthy node has no alert to send, only the parts loaded and running.
    const { dir, statusDir, configPath } = await prepareNode((dir) => ({
      metrics: { textfile: join(dir, 'clawsup.prom'), textfileIntervalMs: 1_000 },
      alerts: { webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }] },
    }));
    const builtinsPath = join(dir, 'builtins.txt');
    const { child, exited } = startBundle(configPath, dir, {
      nodeArgs: ['--require', join(FIXTURES, 'record-builtins-at-exit.cjs')],
      env: { RECORD_BUILTINS_TO: builtinsPath },
    });
    // Started, probed to healthy, status.json written a few times, and stopped: what an idle day holds, and more.
    await waitFor('healthy', () => (readStatus(statusDir)?.mode === 'healthy' ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const builtins = readFileSync(builtinsPath, 'utf8').split('\n');
    expect(builtins).toContain('child_process');
    // Each of these stays loaded once used: 0.3-4 MiB apiece on Node 24 (docs/performance.md).
    expect(builtins.filter((name) => ['crypto', 'fs/promises', 'v8', 'perf_hooks', 'internal/perf/performance', 'https', 'tls'].includes(name))).toEqual([]);
    // pino's transports (thread-stream) and its own destination (sonic-boom) are left out of the bundle.
    expect(builtins.filter((name) => ['worker_threads', 'assert'].includes(name))).toEqual([]);
    // The Slack probe resolves Slack's hosts only once some socket of this host goes to port 443.
    const toPort443 = execFileSync('ss', ['-Htn', 'state', 'established', 'dport', '=', ':443'], { encoding: 'utf8' }).trim();
    if (toPort443 === '') expect(builtins).not.toContain('dns/promises');
  });

  it('holds no zod: the config is validated by its child, dist/config-loader.cjs', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).not.toMatch(/require\("zod(\/[^"]*)?"\)/);
    expect(bundle).not.toContain('$ZodType');
    expect(bundle).toContain('config-loader.cjs');
    expect(readFileSync(join(REPO_ROOT, 'dist', 'config-loader.cjs'), 'utf8')).toContain('$ZodType');
  });

  it('refuses a broken config on SIGHUP with its location, keeps running, and takes the fixed one', async () => {
    const { dir, statusDir, configPath, config } = await prepareNode();
    const { child, exited } = startBundle(configPath, dir);
    await waitFor('healthy', () => (readStatus(statusDir)?.mode === 'healthy' ? true : undefined), 30_000);
    writeFileSync(configPath, `{\n  gateway: { command: ["node"] },\n  restart: { failureLimit: "x" },\n}`);
    child.kill('SIGHUP');
    const refused = await waitFor('the reload refused', () => readStatus(statusDir)?.config?.lastReloadError ?? undefined, 15_000);
    expect(refused).toContain(`${configPath}:3:`);
    expect(refused).toContain('restart.failureLimit');
    expect(child.exitCode).toBeNull();
    writeFileSync(configPath, JSON.stringify({ ...config, log: { level: 'debug' } }));
    child.kill('SIGHUP');
    await waitFor('the fixed config taken', () => (readStatus(statusDir)?.config?.lastReloadError === null ? true : undefined), 15_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
