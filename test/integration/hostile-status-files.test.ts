// clawctl and clawsup-node-status read files that other processes can replace: a FIFO, a device, a huge or odd file
// must end in a prompt exit 3 with the file named, never a hang, a spin or an internal error (70).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runClawctl, type ClawctlRun } from '../helpers/control.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NODE_STATUS = join(REPO_ROOT, 'packaging/clawsup-node-status');
// A hang or a spin is cut here; a prompt answer takes well under a second.
const HARD_TIMEOUT_MS = 8_000;
const PROMPT_MS = 5_000;
// Past clawctl's and node-status's cap for status.json (16 MiB), sparse so it costs no disk.
const HUGE_BYTES = 16 * 1024 * 1024 + 1;

let temp: { path: string; remove(): void };
let statusDir: string;
let configPath: string;

beforeEach(() => {
  temp = makeTempDir();
  statusDir = join(temp.path, 'status');
  mkdirSync(join(statusDir, 'skills'), { recursive: true });
  configPath = join(temp.path, 'c.json5');
  writeFileSync(configPath, `{ gateway: { command: ['x'] }, control: { socket: './none.sock' }, status: { dir: './status' } }`);
});

afterEach(() => temp.remove());

type Plant = (path: string) => void;
const HOSTILE_FILES: Array<[string, Plant, RegExp]> = [
  ['a FIFO', (path) => execFileSync('mkfifo', [path]), /a fifo, not a regular file/],
  ['a symlink to /dev/zero', (path) => symlinkSync('/dev/zero', path), /a symlink, not a regular file/],
  ['a huge file', (path) => (writeFileSync(path, ''), truncateSync(path, HUGE_BYTES)), new RegExp(`${HUGE_BYTES} bytes, over the cap`)],
  ['a directory', (path) => mkdirSync(path), /a directory, not a regular file/],
];

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; tookMs: number }> {
  const startMs = Date.now();
  const result = await run();
  return { result, tookMs: Date.now() - startMs };
}

function clawctl(...args: string[]): Promise<ClawctlRun> {
  return runClawctl(['--config', configPath, ...args], { timeoutMs: HARD_TIMEOUT_MS });
}

function nodeStatus(dir: string): Promise<ClawctlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NODE_STATUS, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function expectOneCleanLine(text: string, pattern: RegExp): void {
  expect(text.trim().split('\n')).toHaveLength(1);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/\n\s+at |internal error/);
}

describe('clawctl status with no daemon and a hostile status.json', () => {
  it.each(HOSTILE_FILES)('%s: exits 3 promptly, naming the file and what it is', async (_, plant, problem) => {
    plant(join(statusDir, 'status.json'));
    const { result, tookMs } = await timed(() => clawctl('status'));
    expect(result.code).toBe(3);
    expect(tookMs).toBeLessThan(PROMPT_MS);
    // Before it: why no daemon answered. The file's line is the last.
    const fileLine = result.stderr.trim().split('\n').at(-1);
    expectOneCleanLine(fileLine ?? '', /status\.json: cannot read the last status either \(/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(fileLine).toMatch(problem);
    expect(result.stdout).toBe('');
  });

  it.each([['[]', 'an array'], ['null', 'null'], ['5', 'a number'], ['"healthy"', 'a string'], ['{"mode": "healthy",', 'not JSON']])(
    'status.json holding %s: exits 3 and says it is not a status object',
    async (content, found) => {
      writeFileSync(join(statusDir, 'status.json'), content);
      const result = await clawctl('status');
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`status\\.json: cannot read the last status either \\((not a status object: )?${found}\\)`));
      expect(result.stderr).not.toMatch(/internal error/);
    },
  );

  it('fields of unexpected types are shown as data, never an internal error', async () => {
    const odd = { toString: 1, valueOf: 1 };
    const status = {
      mode: odd,
      since: odd,
      reasons: [odd, 5, null],
      daemon: 'not an object',
      gateway: { pid: odd, startedAt: odd, restarts: odd, lastExit: { code: odd, class: odd, reason: [1], evidence: 'x', at: odd, uptimeMs: odd } },
      probes: { health: odd, slack: 'up', other: null },
      skills: { a: null, b: 5, c: { state: odd, message: odd, lastSuccessAt: odd, maxAgeMs: odd, status: odd } },
      diagnosis: { reason: odd, hint: odd, since: odd },
    };
    writeFileSync(join(statusDir, 'status.json'), JSON.stringify(status));
    const result = await clawctl('status');
    expect(result.code).toBe(3);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.stdout).toMatch(/^NOT LIVE: /);
    expect(result.stdout).toContain('mode: {"toString":1,"valueOf":1}');
    const json = await clawctl('status', '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual(status);
  });
});

describe('clawctl diagnose with no daemon and a hostile diagnosis.json', () => {
  it.each(HOSTILE_FILES)('%s: answers promptly that there is no diagnosis, naming the file', async (_, plant, problem) => {
    plant(join(statusDir, 'diagnosis.json'));
    const { result, tookMs } = await timed(() => clawctl('diagnose'));
    expect(tookMs).toBeLessThan(PROMPT_MS);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no diagnosis');
    expect(result.stderr).toMatch(/diagnosis\.json: /);
    expect(result.stderr).toMatch(problem);
  });
});

describe('clawsup-node-status with hostile files', () => {
  it.each(HOSTILE_FILES)('status.json is %s: UNKNOWN, exit 3, promptly', async (_, plant, problem) => {
    plant(join(statusDir, 'status.json'));
    const { result, tookMs } = await timed(() => nodeStatus(statusDir));
    expect(result.code).toBe(3);
    expect(tookMs).toBeLessThan(PROMPT_MS);
    expectOneCleanLine(result.stdout, /^UNKNOWN: .*status\.json: /);
    expect(result.stdout).toMatch(problem);
  });

  it.each(HOSTILE_FILES)('a skill file is %s: UNKNOWN, exit 3, promptly', async (_, plant, problem) => {
    plant(join(statusDir, 'skills', 'memory.json'));
    const { result, tookMs } = await timed(() => nodeStatus(statusDir));
    expect(result.code).toBe(3);
    expect(tookMs).toBeLessThan(PROMPT_MS);
    expectOneCleanLine(result.stdout, /^UNKNOWN: .*skills\/memory\.json: /);
    expect(result.stdout).toMatch(problem);
  });

  it.each([['[]', 'an array'], ['null', 'null'], ['"ok"', 'a string'], ['{', 'not JSON']])('a skill file holding %s: UNKNOWN, exit 3', async (content, found) => {
    writeFileSync(join(statusDir, 'skills', 'memory.json'), content);
    const result = await nodeStatus(statusDir);
    expect(result.code).toBe(3);
    expectOneCleanLine(result.stdout, new RegExp(`^UNKNOWN: .*memory\\.json: (not a record: )?${found}\\n`));
  });

  it('fields of unexpected types are shown as data, never a crash', async () => {
    const odd = { toString: 1, valueOf: 1 };
    writeFileSync(join(statusDir, 'status.json'), JSON.stringify({ mode: odd, updatedAt: odd, daemon: { host: odd, pid: odd }, gateway: odd }));
    writeFileSync(join(statusDir, 'skills', 'memory.json'), JSON.stringify({ status: odd, message: odd, lastSuccessAt: odd, maxAgeMs: odd }));
    const result = await nodeStatus(statusDir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^CRITICAL: everything down\n/);
  });
});
