import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSkillRecordShape } from '../../src/skills/skill-record.js';
import { requestControl, runClawctl, type ClawctlRun } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, REPO_ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { isAlive } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const forever = { command: [node, join(FIXTURES, 'forever.mjs')] };
const NODE_STATUS = join(REPO_ROOT, 'packaging/clawsup-node-status');
const MAX_AGE_MS = 6_000;

afterEach(cleanupDaemons);

function readSkill(statusDir: string, name: string) {
  const checked = checkSkillRecordShape(JSON.parse(readFileSync(join(statusDir, 'skills', `${name}.json`), 'utf8')), []);
  if (!checked.ok) throw new Error(`${name}.json is not a skill record: ${checked.path.join('.')}: ${checked.message}`);
  return checked.value;
}

function nodeStatus(statusDir: string): Promise<ClawctlRun> {
  return new Promise((resolve) => {
    const child = spawn(node, [NODE_STATUS, statusDir], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((file) => relative(dir, join(dir, file))).sort();
}

describe('skills with the daemon up', () => {
  it('records running and the outcome, shows skills in status, degrades for a failing or stale skill, and recovers', async () => {
    const daemon = startDaemon({ config: { gateway: forever, skills: { nightly: { maxAgeMs: MAX_AGE_MS } } } });
    await daemon.waitForStatus('healthy with the skill listed', (s) => s.mode === 'healthy' && s.skills?.nightly?.state === 'unknown');
    const ctl = (...args: string[]) => runClawctl(['--config', daemon.configPath, ...args]);

    // A run the test holds open, to see `running` in the file and in the daemon's status.
    const release = join(daemon.dir, 'release');
    const holding = ctl('skill', 'run', 'nightly', '--', node, '-e', `const fs=require('fs');console.log('skill output');const t=setInterval(()=>{if(fs.existsSync(${JSON.stringify(release)})){clearInterval(t)}},20)`);
    const running = await daemon.waitForStatus('skill running', (s) => s.skills?.nightly?.status === 'running');
    expect(running.mode).toBe('healthy');
    expect(readSkill(daemon.statusDir, 'nightly')).toMatchObject({ status: 'running', finishedAt: null, exitCode: null, host: hostname(), maxAgeMs: MAX_AGE_MS });
    writeFileSync(release, '');
    const done = await holding;
    expect(done).toMatchObject({ code: 0, stdout: 'skill output\n' });
    const success = readSkill(daemon.statusDir, 'nightly');
    expect(success).toMatchObject({ name: 'nightly', status: 'success', exitCode: 0, message: null });
    expect(success.lastSuccessAt).toBe(success.finishedAt);
    expect(success.durationMs).toBe(Date.parse(success.finishedAt ?? '') - Date.parse(success.startedAt));
    await daemon.waitForStatus('skill ok', (s) => s.skills?.nightly?.state === 'ok');
    expect((await nodeStatus(daemon.statusDir)).stdout).toMatch(/^OK: all good\n/);

    const failed = await ctl('skill', 'run', 'nightly', '--', node, '-e', 'process.exit(3)');
    expect(failed.code).toBe(3);
    expect(failed.stderr).toMatch(/skill nightly: exited with code 3/);
    expect(readSkill(daemon.statusDir, 'nightly')).toMatchObject({ status: 'failure', exitCode: 3, lastSuccessAt: success.lastSuccessAt });
    const degraded = await daemon.waitForStatus('degraded by the failing skill', (s) => s.mode === 'degraded');
    expect(degraded.reasons).toEqual(['skill-failing:nightly']);
    const status = await ctl('status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/reasons: skill-failing:nightly/);
    expect(status.stdout).toMatch(/nightly +failing +last success .* ago, max age 6s, last run failure .* ago, exited with code 3/);

    const reported = await ctl('skill', 'report', 'nightly', '--status', 'success', '--message', 'ran inside the gateway');
    expect(reported.code).toBe(0);
    await daemon.waitForStatus('healthy after the report', (s) => s.mode === 'healthy' && s.skills?.nightly?.message === 'ran inside the gateway');

    // No file changes from here: only the daemon's timer can notice that the success grows old.
    const stale = await daemon.waitForStatus('stale without any run', (s) => s.mode === 'degraded', 20_000);
    expect(stale.reasons).toEqual(['skill-stale:nightly']);
    expect(stale.skills.nightly.state).toBe('stale');
    const script = await nodeStatus(daemon.statusDir);
    expect(script.code).toBe(1);
    // The daemon's own words, as clawctl status shows them: one verdict.
    expect(script.stdout).toMatch(/^WARNING: degraded: skill-stale:nightly\n/);
  });

  it('kills the whole process group on --timeout and exits 124', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const pidFile = join(daemon.dir, 'child.pid');
    const result = await runClawctl(['--config', daemon.configPath, 'skill', 'run', 'slow', '--timeout', '0.5', '--', 'sh', '-c', `sleep 60 & echo $! > ${pidFile}; wait`]);
    expect(result.code).toBe(124);
    expect(readSkill(daemon.statusDir, 'slow')).toMatchObject({ status: 'timeout', exitCode: 124, message: expect.stringMatching(/timed out after 500 ms/) });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await waitFor('the background sleep to be gone', () => !isAlive(grandchild));
    await daemon.waitForStatus('failing', (s) => s.reasons.includes('skill-failing:slow'));
  });

  it('writes a record a client sends over the socket (for a client that cannot write the status dir)', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
    const now = new Date().toISOString();
    const record = { name: 'remote', status: 'success', startedAt: now, finishedAt: now, durationMs: 0, exitCode: 0, message: null, host: 'elsewhere', lastSuccessAt: now, maxAgeMs: null };
    expect(await requestControl(daemon.socketPath, 'skill-report', { record })).toMatchObject({ ok: true, result: { name: 'remote' } });
    expect(readSkill(daemon.statusDir, 'remote')).toEqual(record);
    await daemon.waitForStatus('shown', (s) => s.skills?.remote?.host === 'elsewhere');
    const evil = await requestControl(daemon.socketPath, 'skill-report', { record: { ...record, name: '../../evil' } });
    expect(evil).toMatchObject({ ok: false, error: { code: 'bad-params' } });
    expect(existsSync(join(daemon.dir, 'evil.json'))).toBe(false);
  });
});

describe('skills with no daemon', () => {
  it('records runs and reports in the file, and the node-status script reads the files', async () => {
    const temp = makeTempDir();
    try {
      const statusDir = join(temp.path, 'status');
      const configPath = join(temp.path, 'c.json5');
      writeFileSync(configPath, `{ gateway: { command: ['x'] }, control: { socket: './none.sock' }, status: { dir: './status' }, skills: { memory: { maxAgeMs: 3600000 } } }`);
      const ctl = (...args: string[]) => runClawctl(['--config', configPath, ...args]);

      const run = await ctl('skill', 'run', 'memory', '--', node, '-e', 'console.log("remembered")');
      expect(run).toMatchObject({ code: 0, stdout: 'remembered\n', stderr: '' });
      expect(readSkill(statusDir, 'memory')).toMatchObject({ status: 'success', exitCode: 0, maxAgeMs: 3_600_000 });
      const downButRunning = await nodeStatus(statusDir);
      expect(downButRunning.code).toBe(1);
      expect(downButRunning.stdout).toMatch(/^WARNING: gateway down but skills running \(degraded\)\n/);

      const missing = await ctl('skill', 'run', 'memory', '--', 'no-such-command-here');
      expect(missing.code).toBe(127);
      expect(readSkill(statusDir, 'memory')).toMatchObject({ status: 'failure', exitCode: 127, message: 'command not found: no-such-command-here' });

      expect((await ctl('skill', 'report', 'memory', '--status', 'failure', '--message', 'disk full')).code).toBe(0);
      expect(readSkill(statusDir, 'memory')).toMatchObject({ status: 'failure', message: 'disk full', exitCode: null });
      const allDown = await nodeStatus(statusDir);
      expect(allDown.code).toBe(2);
      expect(allDown.stdout).toMatch(/^CRITICAL: everything down\n/);
      expect(allDown.stdout).toMatch(/skill memory: failing, .*disk full/);

      expect((await nodeStatus(join(temp.path, 'nothing-here'))).code).toBe(3);
    } finally {
      temp.remove();
    }
  });

  it('still runs a skill when the clawsupd config is broken, unrecorded, with the command\'s exit code', async () => {
    const temp = makeTempDir();
    try {
      const configPath = join(temp.path, 'c.json5');
      writeFileSync(configPath, '{ gateway: { command: [] }, status: { dir: "./status" } }');
      const run = await runClawctl(['--config', configPath, 'skill', 'run', 'memory', '--', node, '-e', 'console.log("ran"); process.exit(4)']);
      expect(run).toMatchObject({ code: 4, stdout: 'ran\n' });
      expect(run.stderr).toMatch(/c\.json5:1:\d+: gateway\.command: .*\(skill memory runs, but is not recorded\)/);
      expect(existsSync(join(temp.path, 'status'))).toBe(false);
    } finally {
      temp.remove();
    }
  });

  it.each(['../evil', '../../tmp/evil', '/tmp/evil', 'a/../../evil', '.evil', 'Evil', 'x'.repeat(65), '', 'a b', 'ok\nx'])('refuses the skill name %j (exit 65), runs nothing and writes nothing', async (name) => {
    const temp = makeTempDir();
    try {
      const configPath = join(temp.path, 'c.json5');
      writeFileSync(configPath, `{ gateway: { command: ['x'] }, control: { socket: './none.sock' }, status: { dir: './status' } }`);
      const marker = join(temp.path, 'ran');
      const run = await runClawctl(['--config', configPath, 'skill', 'run', name, '--', node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`]);
      expect(run.code).toBe(65);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^clawctl: skill name .* refused/);
      const report = await runClawctl(['--config', configPath, 'skill', 'report', name, '--status', 'success']);
      expect(report.code).toBe(65);
      expect(listFiles(temp.path)).toEqual(['c.json5']);
    } finally {
      temp.remove();
    }
  });
});
