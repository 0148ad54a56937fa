import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync } from '../../src/status/atomic-file.js';
import { writePidFile } from '../../src/daemon/pid-file.js';
import { acquireInstanceLock } from '../../src/daemon/instance-lock.js';
import { keepGatewayFiles, readGatewayRecord, reapOrphanGateway, recordGateway } from '../../src/gateway/gateway-record.js';
import { readOrCreateGatewayMark } from '../../src/gateway/marked-processes.js';
import { readProcessStartTime } from '../../src/gateway/process-identity.js';
import { FIXTURES } from '../helpers/daemon.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// Every temp name the old writers could have picked in this process: `.NAME.<pid>.<counter>.tmp` and `NAME.<pid>.tmp`.
const GUESSED_COUNTERS = 64;

let temp: { path: string; remove(): void };
let victim: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  temp = makeTempDir('cs-atomic-');
  victim = join(temp.path, 'victim');
  writeFileSync(victim, 'keep me\n');
});
afterEach(() => {
  for (const child of children.splice(0)) killGroup(child.pid);
  temp.remove();
});

function plantGuessedTempLinks(dir: string, name: string): void {
  for (let counter = 1; counter <= GUESSED_COUNTERS; counter += 1) symlinkSync(victim, join(dir, `.${name}.${process.pid}.${counter}.tmp`));
  symlinkSync(victim, join(dir, `${name}.${process.pid}.tmp`));
}

/** A process in a group of its own, as a gateway runs; ended by afterEach. */
async function startVictimGroup(): Promise<number> {
  const child = spawn(process.execPath, [join(FIXTURES, 'forever.mjs')], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return child.pid ?? -1;
}

describe('records in the status dir are never written through a planted link', () => {
  it.each([
    ['writeFileAtomic', async (path: string) => writeFileAtomic(path, 'new\n')],
    ['writeFileAtomic, durable', async (path: string) => writeFileAtomic(path, 'new\n', { isDurable: true })],
    ['writeFileAtomicAsync', (path: string) => writeFileAtomicAsync(path, 'new\n')],
  ])('%s: links at every guessable temp name are left alone, the file is written beside them', async (_name, write) => {
    const dir = join(temp.path, 'status');
    mkdirSync(dir);
    plantGuessedTempLinks(dir, 'status.json');
    await write(join(dir, 'status.json'));
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'status.json')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).toBe('new\n');
    // Only the planted links and the file: no temp file left behind.
    expect(readdirSync(dir).filter((entry) => !entry.includes(`.${process.pid}.`))).toEqual(['status.json']);
  });

  it('a link at the target itself is replaced by the file, not written through', () => {
    const dir = join(temp.path, 'status');
    mkdirSync(dir);
    symlinkSync(victim, join(dir, 'gateway.pid.json'));
    writeFileAtomic(join(dir, 'gateway.pid.json'), '{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'gateway.pid.json')).isFile()).toBe(true);
  });

  it('gives the file to a group, with exactly the mode asked for', () => {
    const path = join(temp.path, 'status.json');
    const groupId = process.getgid?.() ?? 0;
    writeFileAtomic(path, 'x\n', { mode: 0o640, groupId });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(path).gid).toBe(groupId);
  });

  it('clawsupd.pid: a planted link is replaced by the pid file', () => {
    symlinkSync(victim, join(temp.path, 'clawsupd.pid'));
    const pidFile = writePidFile(temp.path);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(temp.path, 'clawsupd.pid')).isFile()).toBe(true);
    expect(readFileSync(join(temp.path, 'clawsupd.pid'), 'utf8')).toBe(`${process.pid}\n`);
    pidFile.remove();
  });

  it('clawsupd.lock: a link at the old temp name is not written through', () => {
    plantGuessedTempLinks(temp.path, 'clawsupd.lock');
    const lock = acquireInstanceLock(temp.path);
    try {
      expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
      expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    } finally {
      lock.release();
    }
  });
});

describe('status.dir is checked as the control socket folder is', () => {
  it('refuses a status dir that is world-writable without the sticky bit', () => {
    const dir = join(temp.path, 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => acquireInstanceLock(dir)).toThrow(expect.objectContaining({ code: 'CLAWSUP_ERR_STATUS_DIR', message: expect.stringMatching(/world-writable without the sticky bit/) }));
    expect(existsSync(join(dir, 'clawsupd.lock'))).toBe(false);
  });

  it('takes a sticky world-writable status dir (only the owner of a name may replace it)', () => {
    const dir = join(temp.path, 'sticky');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    const lock = acquireInstanceLock(dir);
    lock.release();
  });
});

describe('a forged gateway record never makes clawsupd signal a process', () => {
  it('a record without a start time is no record: the process group it names lives on', async () => {
    const pid = await startVictimGroup();
    writeFileSync(join(temp.path, 'gateway.pid.json'), JSON.stringify({ pid, startTime: null, startedAt: 'x', command: [] }));
    expect(readGatewayRecord(temp.path)).toBeNull();
    const reaped = await reapOrphanGateway(temp.path, 2_000);
    expect(reaped).toMatchObject({ found: null, wasAlive: false });
    expect(isAlive(pid)).toBe(true);
  });

  it('a record with the right start time still stops the gateway it names', async () => {
    const pid = await startVictimGroup();
    recordGateway(temp.path, pid, ['forever']);
    const reaped = await reapOrphanGateway(temp.path, 5_000);
    expect(reaped).toMatchObject({ wasAlive: true, found: { pid } });
    await waitFor('the recorded gateway to end', () => !isAlive(pid), 10_000);
  });
});

describe('the gateway mark', () => {
  it('is owner-only (0600)', () => {
    readOrCreateGatewayMark(temp.path);
    expect(statSync(join(temp.path, 'gateway-mark')).mode & 0o777).toBe(0o600);
  });

  it('an older world-readable mark keeps its value and becomes owner-only', () => {
    const mark = 'a'.repeat(32);
    writeFileSync(join(temp.path, 'gateway-mark'), `${mark}\n`, { mode: 0o644 });
    expect(readOrCreateGatewayMark(temp.path)).toBe(mark);
    expect(statSync(join(temp.path, 'gateway-mark')).mode & 0o777).toBe(0o600);
  });
});

describe('keepGatewayFiles: the status dir removed under a running clawsupd', () => {
  it('writes the mark and the live gateway record again, with its start time', async () => {
    const pid = await startVictimGroup();
    const dir = join(temp.path, 'status');
    const mark = 'b'.repeat(32);
    keepGatewayFiles(dir, mark, { pid, startedAt: '2026-01-01T00:00:00.000Z' });
    expect(readFileSync(join(dir, 'gateway-mark'), 'utf8')).toBe(`${mark}\n`);
    expect(readGatewayRecord(dir)).toMatchObject({ pid, startTime: readProcessStartTime(pid), startedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('keeps a record that is still there, and writes only the mark when no gateway runs', () => {
    const dir = join(temp.path, 'status');
    mkdirSync(dir);
    writeFileSync(join(dir, 'gateway.pid.json'), '{"pid": 4242, "startTime": "1", "startedAt": "then", "command": ["kept"]}');
    keepGatewayFiles(dir, 'c'.repeat(32), { pid: 99, startedAt: null });
    expect(readGatewayRecord(dir)?.command).toEqual(['kept']);
    const empty = join(temp.path, 'empty');
    keepGatewayFiles(empty, 'c'.repeat(32), { pid: null, startedAt: null });
    expect(readdirSync(empty)).toEqual(['gateway-mark']);
  });
});
