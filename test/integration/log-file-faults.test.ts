import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, REPO_ROOT, startDaemon } from '../helpers/daemon.js';
import { findProcessesWithMarker } from '../helpers/proc-scan.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

afterEach(cleanupDaemons);

/** The log file's records, and the lines that are not whole JSON (a line cut where the disk filled up). */
function readLog(path: string): { records: Array<Record<string, any>>; tornLines: string[] } {
  const records: Array<Record<string, any>> = [];
  const tornLines: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n').filter((text) => text !== '')) {
    try {
      records.push(JSON.parse(line) as Record<string, any>);
    } catch {
      tornLines.push(line);
    }
  }
  return { records, tornLines };
}

/** No gateway ran, nor runs now: one that did is ended first (its pid is found by the marker in its command line). */
function expectNoGateway(marker: string): void {
  const running = findProcessesWithMarker(marker);
  for (const pid of running) killGroup(pid);
  expect(running).toEqual([]);
  expect(existsSync(marker)).toBe(false);
}

/** A gateway that leaves its pid in `marker` as soon as it runs, so a test can tell it was never started. */
function markingGateway(marker: string): string[] {
  return [node, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setInterval(() => {}, 1000)`];
}

describe('log.file that cannot be opened', () => {
  const temp = makeTempDir('cs-logopen-');
  afterAll(() => temp.remove());

  it.each([
    ['a folder in its place', (dir: string) => {
      mkdirSync(join(dir, 'clawsupd.log'));
      return join(dir, 'clawsupd.log');
    }, 'EISDIR'],
    ['a file where its folder should be', (dir: string) => {
      writeFileSync(join(dir, 'logs'), '');
      return join(dir, 'logs', 'clawsupd.log');
    }, 'ENOTDIR'],
  ])('%s: exit 78 naming log.file and where it is set, before any gateway, lock or pid file', async (_name, makeLogPath, errno) => {
    const dir = join(temp.path, errno);
    mkdirSync(dir);
    const marker = join(dir, 'gateway-ran');
    const logFile = makeLogPath(dir);
    const daemon = startDaemon({ config: { gateway: { command: markingGateway(marker) }, log: { file: logFile } }, dir });
    const { code } = await daemon.exited;
    expectNoGateway(marker);
    expect(code).toBe(78);
    // The config is JSON.stringify'd with 2 spaces: `log` is a top-level key, `file` is on the next line.
    const configLines = readFileSync(daemon.configPath, 'utf8').split('\n');
    const fileLine = configLines.findIndex((line) => line.includes('"file":')) + 1;
    expect(daemon.stderr()).toContain(`${daemon.configPath}:${fileLine}:`);
    expect(daemon.stderr()).toContain(`log.file: cannot open ${logFile} for appending: ${errno}`);
    expect(daemon.stderr()).not.toMatch(/internal error|\n\s+at /);
    const left = existsSync(daemon.statusDir) ? readdirSync(daemon.statusDir) : [];
    expect(left).toEqual([]);
  });
});

describe.skipIf(!isRoot)('log.file in a root-owned folder, clawsupd run as another user (the macOS system install as it was)', () => {
  const temp = makeTempDir('cs-logperm-');
  afterAll(() => temp.remove());

  it('exits 78 with permission denied on log.file, before any gateway, lock or pid file', async () => {
    // The checkout may sit under a root-only folder: the other user runs a bundled clawsupd from a world-readable one.
    chmodSync(temp.path, 0o755);
    const clawsupd = join(temp.path, 'clawsupd.mjs');
    buildSync({
      absWorkingDir: REPO_ROOT,
      entryPoints: ['src/daemon/clawsupd.ts'],
      outfile: clawsupd,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
      logLevel: 'warning',
    });
    const logDir = join(temp.path, 'logs');
    mkdirSync(logDir, { mode: 0o755 });
    // Everything else is the other user's to write, so only the log folder can stop it.
    const shared = join(temp.path, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const marker = join(shared, 'gateway-ran');
    const statusDir = join(shared, 'status');
    const configPath = join(temp.path, 'clawsup.json5');
    const config = { gateway: { command: markingGateway(marker) }, health: { enabled: false }, status: { dir: statusDir }, control: { socket: join(shared, 'ctl.sock') }, log: { file: join(logDir, 'clawsupd.log') } };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    chmodSync(configPath, 0o644);
    const run = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', node, clawsupd, '--config', configPath], { encoding: 'utf8', timeout: 20_000 });
    expectNoGateway(marker);
    expect(run.status).toBe(78);
    expect(run.stderr).toContain(`${configPath}:`);
    expect(run.stderr).toContain(`log.file: cannot open ${join(logDir, 'clawsupd.log')} for appending: EACCES (permission denied`);
    expect(existsSync(statusDir) ? readdirSync(statusDir) : []).toEqual([]);
  });
});

describe.skipIf(!isRoot)('log.file on a full disk (root: a 64 KiB tmpfs)', () => {
  const temp = makeTempDir('cs-logfull-');
  const logDir = join(temp.path, 'logs');
  beforeAll(() => {
    mkdirSync(logDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logDir]);
  });
  afterAll(() => {
    execFileSync('umount', ['-l', logDir]);
    temp.remove();
  });

  it('log lines are dropped and said so once; status and SIGTERM still answered, the gateway stopped', async () => {
    // The gateway prints a line every 20 ms, and each becomes a log line: the log keeps writing into the full disk.
    const chatty = [node, '-e', "console.log('ready'); setInterval(() => console.log('tick ' + 'x'.repeat(200)), 20); process.on('SIGTERM', () => process.exit(0))"];
    const logFile = join(logDir, 'clawsupd.log');
    const daemon = startDaemon({ config: { gateway: { command: chatty }, log: { file: logFile } }, dir: temp.path });
    const { gateway } = await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(logDir, 'filler')}`, 'bs=4k', 'count=64'], { stdio: 'ignore' });
    } catch {
      // dd stops at ENOSPC, which is the point.
    }
    await waitFor('the write failure reported on stderr', () => /log write failed/.test(daemon.stderr()), 10_000);
    const status = await runClawctl(['--socket', daemon.socketPath, 'status', '--json'], { timeoutMs: 5_000 });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ mode: 'healthy', log: { isFailing: true, lastError: expect.stringContaining('ENOSPC') } });
    expect(daemon.stderr().match(/log write failed/g)).toHaveLength(1);
    expect(daemon.stderr()).toContain('ENOSPC');
    // Space back: the next line that can be written says how many were lost.
    unlinkSync(join(logDir, 'filler'));
    const resumed = await waitFor('the gap recorded in the log', () => readLog(logFile).records.find((r) => r.msg === 'log lines were dropped: log writes work again'), 10_000);
    expect(resumed).toMatchObject({ level: 'warn', lastError: expect.stringContaining('ENOSPC') });
    expect(resumed.droppedLines).toBeGreaterThan(0);
    const afterwards = await waitFor('status.json says the log works again', () => {
      const log = daemon.status()?.log;
      return log?.isFailing === false && log.droppedLines > 0 ? log : undefined;
    }, 10_000);
    expect(afterwards.lastError).toContain('ENOSPC');
    // At most the one line the disk filled up in is cut; every line after it starts afresh.
    expect(readLog(logFile).tornLines.length).toBeLessThanOrEqual(1);
    daemon.child.kill('SIGTERM');
    const ended = await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(ended).toEqual({ code: 0, signal: null });
    await waitFor('gateway stopped', () => !isAlive(gateway.pid), 5_000);
    expect(daemon.stderr()).not.toMatch(/internal error|\n\s+at /);
  });
});
