import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProcessStartTime } from '../../src/gateway/process-identity.js';
import { runClawctl } from '../helpers/control.js';
import { CLAWSUPD, cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };

if (!isRoot) console.log('hostile-status-dir: skipped, another user\'s files need root (chown)');

let temp: { path: string; remove(): void };
const children: ChildProcess[] = [];
const servers: Server[] = [];
beforeEach(() => {
  temp = makeTempDir('cs-hsd-');
  // Like /tmp: anyone may make a name here, only its owner may replace it.
  chmodSync(temp.path, 0o1777);
});
afterEach(async () => {
  await cleanupDaemons();
  for (const child of children.splice(0)) killGroup(child.pid);
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  temp.remove();
});

/** A root process in a group of its own, as another root service runs: what a forged record would have root kill. */
async function startRootVictim(): Promise<number> {
  const child = spawn(process.execPath, [join(FIXTURES, 'forever.mjs')], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return child.pid ?? -1;
}

/** A file only root may read or write, in a folder only root may enter. */
function makeRootOnlyFile(): string {
  const dir = join(temp.path, 'root-only');
  mkdirSync(dir, { mode: 0o700 });
  const file = join(dir, 'secret');
  writeFileSync(file, 'root only\n', { mode: 0o600 });
  return file;
}

/** What uid 65534 makes: a folder, a file or a link that belongs to it. */
function asNobody(path: string): string {
  lchownSync(path, NOBODY, NOBODY);
  return path;
}

function runDaemonToExit(statusDir: string): ReturnType<typeof spawnSync> {
  const configPath = join(temp.path, 'clawsup.json5');
  writeFileSync(configPath, JSON.stringify({ gateway: forever, health: { enabled: false }, status: { dir: statusDir }, control: { socket: join(temp.path, 'ctl.sock') } }));
  return spawnSync(process.execPath, [CLAWSUPD, '--config', configPath], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, timeout: 30_000 });
}

function writeSkillConfig(statusDir: string, socket: string): string {
  const configPath = join(temp.path, 'skills.json5');
  writeFileSync(configPath, JSON.stringify({ gateway: forever, status: { dir: statusDir }, control: { socket } }));
  chmodSync(configPath, 0o644);
  return configPath;
}

/** A daemon that answers skill-report as clawsupd does, and keeps the records it was sent. */
async function startFakeDaemon(socketPath: string): Promise<Array<Record<string, any>>> {
  const received: Array<Record<string, any>> = [];
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if (!buffer.includes('\n')) return;
      const request = JSON.parse(buffer.slice(0, buffer.indexOf('\n')));
      received.push(request.params.record);
      socket.end(`${JSON.stringify({ v: 1, id: request.id, ok: true, result: { name: request.params.record.name, status: request.params.record.status } })}\n`);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return received;
}

describe.skipIf(!isRoot)('a status dir another user can write in (root against uid 65534)', () => {
  it('clawsupd refuses a status dir another user owns, and never signals the group a forged record there names', async () => {
    const victimPid = await startRootVictim();
    const statusDir = join(temp.path, 'status');
    mkdirSync(statusDir);
    asNobody(statusDir);
    const record = join(statusDir, 'gateway.pid.json');
    writeFileSync(record, JSON.stringify({ pid: victimPid, startTime: null, startedAt: 'forged', command: [] }));
    asNobody(record);

    const result = runDaemonToExit(statusDir);
    expect(result.status).toBe(73);
    expect(result.stderr).toContain(`${statusDir}: status.dir is owned by uid ${NOBODY}`);
    expect(String(result.stderr).trim().split('\n')).toHaveLength(1);
    expect(isAlive(victimPid)).toBe(true);
  });

  it('clawsupd refuses a status.dir that is another user\'s link, even to a folder of root\'s', () => {
    const rootsFolder = join(temp.path, 'root-only');
    mkdirSync(rootsFolder, { mode: 0o700 });
    const statusDir = join(temp.path, 'status');
    symlinkSync(rootsFolder, statusDir);
    asNobody(statusDir);

    const result = runDaemonToExit(statusDir);
    expect(result.status).toBe(73);
    expect(result.stderr).toContain(`${statusDir}: status.dir is a symlink owned by uid ${NOBODY}`);
    expect(readdirSync(rootsFolder)).toEqual([]);
  });

  it('in a sticky world-writable status dir of root\'s, a record another user planted signals nothing, even with the right start time', async () => {
    const victimPid = await startRootVictim();
    const statusDir = join(temp.path, 'status');
    mkdirSync(statusDir);
    chmodSync(statusDir, 0o1777);
    const record = join(statusDir, 'gateway.pid.json');
    writeFileSync(record, JSON.stringify({ pid: victimPid, startTime: readProcessStartTime(victimPid), startedAt: 'forged', command: [] }));
    asNobody(record);

    const daemon = startDaemon({ dir: temp.path, config: { gateway: forever, status: { dir: statusDir } } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    expect(isAlive(victimPid)).toBe(true);
  });

  it('clawsupd.pid planted as a link to a root-only file: the file is untouched, the pid file is clawsupd\'s own', async () => {
    const secret = makeRootOnlyFile();
    const statusDir = join(temp.path, 'status');
    mkdirSync(statusDir);
    chmodSync(statusDir, 0o1777);
    symlinkSync(secret, join(statusDir, 'clawsupd.pid'));
    asNobody(join(statusDir, 'clawsupd.pid'));

    const daemon = startDaemon({ dir: temp.path, config: { gateway: forever, status: { dir: statusDir } } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    expect(readFileSync(secret, 'utf8')).toBe('root only\n');
    expect(lstatSync(join(statusDir, 'clawsupd.pid')).isFile()).toBe(true);
    expect(readFileSync(join(statusDir, 'clawsupd.pid'), 'utf8')).toBe(`${daemon.pid}\n`);
  });
});

describe.skipIf(!isRoot)('root\'s cron records a skill for a daemon that runs as uid 65534', () => {
  function makeNobodysStatusDir(): string {
    const statusDir = join(temp.path, 'status');
    mkdirSync(statusDir, { mode: 0o755 });
    return asNobody(statusDir);
  }

  it('with no daemon answering, the file is written as the folder\'s owner, never as root', async () => {
    const statusDir = makeNobodysStatusDir();
    const configPath = writeSkillConfig(statusDir, join(temp.path, 'none.sock'));
    const result = await runClawctl(['--config', configPath, 'skill', 'report', 'backup', '--status', 'success']);
    expect(result).toMatchObject({ code: 0, stdout: 'skill backup: success recorded\n' });
    const file = join(statusDir, 'skills', 'backup.json');
    expect(statSync(file)).toMatchObject({ uid: NOBODY, gid: NOBODY });
    expect(statSync(join(statusDir, 'skills'))).toMatchObject({ uid: NOBODY });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'backup', status: 'success' });
  });

  it('with the daemon answering, the record goes through the socket and clawctl writes nothing', async () => {
    const statusDir = makeNobodysStatusDir();
    const socket = join(temp.path, 'ctl.sock');
    const received = await startFakeDaemon(socket);
    const configPath = writeSkillConfig(statusDir, socket);
    const result = await runClawctl(['--config', configPath, 'skill', 'report', 'backup', '--status', 'failure', '--message', 'disk full']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(received).toEqual([expect.objectContaining({ name: 'backup', status: 'failure', message: 'disk full' })]);
    expect(existsSync(join(statusDir, 'skills'))).toBe(false);
  });

  it('a skills link to a root-only folder gets nothing created inside it; clawctl says why', async () => {
    const secret = makeRootOnlyFile();
    const statusDir = makeNobodysStatusDir();
    symlinkSync(join(temp.path, 'root-only'), join(statusDir, 'skills'));
    asNobody(join(statusDir, 'skills'));
    const configPath = writeSkillConfig(statusDir, join(temp.path, 'none.sock'));
    const result = await runClawctl(['--config', configPath, 'skill', 'report', 'backup', '--status', 'success']);
    expect(result.code).toBe(73);
    expect(result.stderr).toMatch(/backup\.json: cannot write the skill status file as its folder's owner \(uid 65534\): EACCES/);
    expect(readdirSync(join(temp.path, 'root-only'))).toEqual(['secret']);
    expect(readFileSync(secret, 'utf8')).toBe('root only\n');
  });

  it('clawctl skill run as root records running and the outcome as the folder\'s owner', async () => {
    const statusDir = makeNobodysStatusDir();
    const configPath = writeSkillConfig(statusDir, join(temp.path, 'none.sock'));
    const result = await runClawctl(['--config', configPath, 'skill', 'run', 'sync', '--', process.execPath, '-e', 'process.exit(3)']);
    expect(result.code).toBe(3);
    const file = join(statusDir, 'skills', 'sync.json');
    expect(statSync(file).uid).toBe(NOBODY);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'sync', status: 'failure', exitCode: 3 });
  });
});
