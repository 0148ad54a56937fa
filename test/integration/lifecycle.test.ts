import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAWSUPD, cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const forever = { command: [node, join(FIXTURES, 'forever.mjs')] };

afterEach(cleanupDaemons);

function runClawsupd(args: string[]) {
  return spawnSync(node, [CLAWSUPD, ...args], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, timeout: 30_000 });
}

/** A clawsupd whose gateway (with a worker) runs, SIGKILLed: the gateway and worker live on without a supervisor. */
async function orphanAGateway(): Promise<{ first: Daemon; orphan: { pid: number }; orphanWorker: number }> {
  const first = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs'), '--worker'] } } });
  const { gateway: orphan } = await first.waitForStatus('healthy', (s) => s.mode === 'healthy');
  const orphanWorker = await workerPidOf(first);
  first.child.kill('SIGKILL');
  await first.exited;
  return { first, orphan, orphanWorker };
}

async function workerPidOf(daemon: Daemon): Promise<number> {
  const record = await daemon.waitForLog('worker line', (r) => typeof r.line === 'string' && r.line.startsWith('worker '));
  return Number(String(record.line).split(' ')[1]);
}

describe('stopping clawsupd', () => {
  it('on SIGTERM stops the gateway and its workers, then exits 0', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'forever.mjs'), '--worker'] } } });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const workerPid = await workerPidOf(daemon);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await waitFor('gateway and worker gone', () => !isAlive(gateway.pid) && !isAlive(workerPid), 5_000);
    const final = daemon.status();
    expect(final).toMatchObject({ mode: 'stopped', gateway: { pid: null, lastExit: { class: 'clean', reason: 'stopped' } } });
  });

  it('kills a gateway that ignores SIGTERM once gateway.stopTimeoutMs has passed', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'ignore-sigterm.mjs')], stopTimeoutMs: 500 } } });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    await daemon.waitForLog('gateway ready', (r) => typeof r.line === 'string' && r.line.startsWith('ready'));
    expect(await daemon.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(isAlive(gateway.pid)).toBe(false);
    await daemon.waitForLog('escalation', (r) => r.msg === 'gateway did not stop in time: killing its process group');
  });

  it('after a SIGKILL of clawsupd, the next clawsupd stops the orphaned gateway before starting its own', async () => {
    const { first, orphan, orphanWorker } = await orphanAGateway();
    try {
      expect(isAlive(orphan.pid)).toBe(true);
      const second = startDaemon({ dir: first.dir, config: { gateway: forever } });
      const status = await second.waitForStatus('new gateway', (s) => s.mode === 'healthy' && s.gateway.pid !== orphan.pid);
      await waitFor('orphan and its worker gone', () => !isAlive(orphan.pid) && !isAlive(orphanWorker), 5_000);
      expect(status.daemon.pid).toBe(second.pid);
      const reaped = await second.waitForLog('reaped', (r) => r.msg === 'stopped a gateway left behind by an earlier clawsupd');
      expect(reaped).toMatchObject({ orphanPid: orphan.pid });
    } finally {
      killGroup(orphan.pid);
    }
  });
});

describe('gateways no record names', () => {
  it('finds a gateway by its mark when its pid record is lost, and leaves processes without the mark alone', async () => {
    const { first, orphan, orphanWorker } = await orphanAGateway();
    // As if clawsupd died between spawning the gateway and recording it.
    rmSync(join(first.statusDir, 'gateway.pid.json'));
    expect(readFileSync(join(first.statusDir, 'gateway-mark'), 'utf8').trim()).toMatch(/^[0-9a-f]{32}$/);
    const bystanders = [
      spawn(node, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore', env: { ...process.env, CLAWSUP_STATUS_DIR: first.statusDir } }),
      // Another status dir's mark (a random 32-hex mark is never all zeros in practice).
      spawn(node, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore', env: { ...process.env, CLAWSUP_GATEWAY_MARK: '0'.repeat(32) } }),
    ];
    try {
      const second = startDaemon({ dir: first.dir, config: { gateway: forever } });
      await second.waitForStatus('new gateway', (s) => s.mode === 'healthy' && s.gateway.pid !== orphan.pid);
      await waitFor('the unrecorded orphan and its worker gone', () => !isAlive(orphan.pid) && !isAlive(orphanWorker), 5_000);
      const reaped = await second.waitForLog('strays', (r) => Array.isArray(r.strayPids));
      expect(reaped.strayPids).toEqual(expect.arrayContaining([orphan.pid, orphanWorker]));
      for (const bystander of bystanders) expect(isAlive(bystander.pid ?? -1)).toBe(true);
    } finally {
      killGroup(orphan.pid);
      for (const bystander of bystanders) killGroup(bystander.pid);
    }
  });
});

describe('one gateway per node', () => {
  it('refuses a second clawsupd on the same status dir with its own exit code', async () => {
    const first = startDaemon({ config: { gateway: forever } });
    await first.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const second = startDaemon({ dir: first.dir, config: { gateway: forever } });
    expect(await second.exited).toEqual({ code: 79, signal: null });
    expect(second.stderr()).toMatch(/^clawsupd: another clawsupd \(pid \d+, started .*\) already supervises .*status/);
    expect(second.stderr()).not.toMatch(/\n\s+at /);
    expect(first.status()?.daemon.pid).toBe(first.pid);
  });
});

describe('config errors', () => {
  it('exits 78 with a located message and no stack trace', () => {
    const dir = startDaemon({ config: { gateway: forever } }).dir;
    const bad = join(dir, 'bad.json5');
    writeFileSync(bad, "{\n  gateway: { command: ['openclaw'] },\n  restart: { failureLimit: 'three' },\n}\n");
    const result = runClawsupd(['--config', bad, '--check']);
    expect(result.status).toBe(78);
    expect(result.stderr).toBe(`clawsupd: ${bad}:3:28: restart.failureLimit: expected number, found "three"\n`);
  });

  it('--check accepts a valid config with exit 0', () => {
    const dir = startDaemon({ config: { gateway: forever } }).dir;
    const good = join(dir, 'good.json5');
    writeFileSync(good, "{ gateway: { command: ['openclaw', 'gateway', 'run'] } }");
    const result = runClawsupd(['--config', good, '--check']);
    expect(result.status).toBe(0);
  });

  it('a missing config file exits 78 and says so', () => {
    const result = runClawsupd(['--config', '/nonexistent/clawsup.json5']);
    expect(result.status).toBe(78);
    expect(result.stderr).toBe('clawsupd: /nonexistent/clawsup.json5: cannot read config: no such file\n');
  });

  it('an unknown flag exits 64 with usage advice', () => {
    const result = runClawsupd(['--confgi', 'x']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/Unknown option '--confgi'.*clawsupd --help/);
  });

  it('SIGHUP with an invalid config keeps the running one and says why', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    writeFileSync(daemon.configPath, '{ gateway: { command: 42 } }');
    daemon.child.kill('SIGHUP');
    const refused = await daemon.waitForLog('reload refused', (r) => r.msg === 'config reload refused: keeping the running config');
    expect(JSON.stringify(refused.errors)).toContain('gateway.command: expected array, found 42');
    expect(daemon.status()).toMatchObject({ mode: 'healthy', gateway: { pid: gateway.pid } });
  });
});

describe('leaving diagnose mode', () => {
  it('makes one fresh attempt with the reloaded config when the config file changes', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '78'] } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    const fixed = { ...JSON.parse(JSON.stringify({ gateway: forever })) };
    const current = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    writeFileSync(daemon.configPath, JSON.stringify({ ...current, ...fixed }));
    const status = await daemon.waitForStatus('healthy after the fix', (s) => s.mode === 'healthy');
    expect(status.diagnosis).toBeNull();
    const leaving = await daemon.waitForLog('fresh attempt', (r) => r.msg === 'leaving diagnose mode: one fresh attempt');
    expect(leaving.why).toContain('watched input changed');
  });

  it('keeps a fix made while the last attempts still fail, and tries it as soon as diagnose mode begins', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'crash-after.mjs'), '50'] }, restart: { initialDelayMs: 800, multiplier: 1, minUptimeMs: 0 } },
    });
    await daemon.waitForStatus('backoff after the first crash', (s) => s.mode === 'backoff');
    const current = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    writeFileSync(daemon.configPath, JSON.stringify({ ...current, gateway: { command: [node, join(FIXTURES, 'forever.mjs')] } }));
    const status = await daemon.waitForStatus('healthy on the fixed config', (s) => s.mode === 'healthy' && s.gateway.restarts >= 3);
    expect(status.diagnosis).toBeNull();
    await daemon.waitForLog('fresh attempt', (r) => r.msg === 'leaving diagnose mode: one fresh attempt');
  });

  it('goes back to diagnose when the fresh attempt fails too', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '78'] } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    const before = daemon.status()?.gateway.restarts;
    writeFileSync(daemon.configPath, readFileSync(daemon.configPath, 'utf8') + '\n// touched\n');
    const status = await daemon.waitForStatus('diagnose again', (s) => s.mode === 'diagnose' && s.diagnosis?.trigger === 'structural' && s.gateway.restarts === before + 1);
    expect(status.gateway.lastExit.code).toBe(78);
  });
});

describe('the gateway environment', () => {
  it('sets OPENCLAW_SUPERVISOR_MODE=external, strips systemd variables and merges gateway.env', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'print-env.mjs')], env: { FROM_CONFIG: 'yes' } } },
      env: { NOTIFY_SOCKET: '/run/systemd/notify', INVOCATION_ID: 'abc', JOURNAL_STREAM: '8:123', WATCHDOG_USEC: '1000', WATCHDOG_PID: '1', SYSTEMD_EXEC_PID: '1' },
    });
    const record = await daemon.waitForLog('env line', (r) => typeof r.line === 'string' && r.line.startsWith('env '));
    expect(JSON.parse(String(record.line).slice(4))).toEqual({
      OPENCLAW_SUPERVISOR_MODE: 'external',
      NOTIFY_SOCKET: null,
      WATCHDOG_USEC: null,
      WATCHDOG_PID: null,
      INVOCATION_ID: null,
      JOURNAL_STREAM: null,
      SYSTEMD_EXEC_PID: null,
      FROM_CONFIG: 'yes',
      OPENCLAW_CONFIG_READONLY: null,
    });
  });

  it('with gatewayConfig.readOnly sets OPENCLAW_CONFIG_READONLY=1, so OpenClaw\'s own config writers refuse', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'print-env.mjs')] }, gatewayConfig: { readOnly: true } } });
    const record = await daemon.waitForLog('env line', (r) => typeof r.line === 'string' && r.line.startsWith('env '));
    expect(JSON.parse(String(record.line).slice(4))).toMatchObject({ OPENCLAW_SUPERVISOR_MODE: 'external', OPENCLAW_CONFIG_READONLY: '1' });
  });
});

describe('gateway output', () => {
  it('reads a gateway that floods stdout to the end without blocking it, and still stops it cleanly', async () => {
    const markerDir = makeTempDir();
    const doneMarker = join(markerDir.path, 'flood-done');
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'flood.mjs'), '20', doneMarker] } } });
    // The marker, not a log line: under backpressure the daemon drops log lines rather than block.
    await waitFor('the gateway wrote all 20 MiB', () => existsSync(doneMarker), 60_000);
    markerDir.remove();
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    expect(await daemon.stop()).toEqual({ code: 0, signal: null });
    await waitFor('flooding gateway gone', () => !isAlive(gateway.pid));
  });
});
