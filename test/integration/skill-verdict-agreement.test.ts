// One verdict, computed once: clawctl status and clawsup-node-status say the same of a node's skills, with the daemon up
// and with it down; a skill added to the config shows on SIGHUP, not at the next rescan.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl, type ClawctlRun } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, REPO_ROOT, startDaemon, type Daemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const forever = { command: [node, join(FIXTURES, 'forever.mjs')] };
const NODE_STATUS = join(REPO_ROOT, 'packaging/clawsup-node-status');
const HOUR_MS = 3_600_000;
// daily-memory's last run predates its config entry (the file says maxAgeMs null); never-ran has no file at all.
const SKILLS = { 'daily-memory': { maxAgeMs: 5_000 }, 'never-ran': { maxAgeMs: 1_000 } };
const BOTH_STALE = ['skill-stale:daily-memory', 'skill-stale:never-ran'];
// A reload applies the skills at once; the rescan that used to find them runs once a minute.
const RELOAD_SHOWS_WITHIN_MS = 1_000;

const temps: Array<{ remove(): void }> = [];
afterEach(async () => {
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

function nodeStatus(statusDir: string, script = NODE_STATUS): Promise<ClawctlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [script, statusDir], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A daemon whose status dir already holds daily-memory's success from an hour ago, written before it was configured. */
async function startStaleNode(): Promise<Daemon> {
  const temp = makeTempDir();
  temps.push(temp);
  const skillsDir = join(temp.path, 'status', 'skills');
  mkdirSync(skillsDir, { recursive: true });
  const ranAt = new Date(Date.now() - HOUR_MS).toISOString();
  const record = { name: 'daily-memory', status: 'success', startedAt: ranAt, finishedAt: ranAt, durationMs: 0, exitCode: 0, message: null, host: hostname(), lastSuccessAt: ranAt, maxAgeMs: null };
  writeFileSync(join(skillsDir, 'daily-memory.json'), JSON.stringify(record));
  const daemon = startDaemon({ dir: temp.path, config: { gateway: forever, skills: SKILLS } });
  const degraded = await daemon.waitForStatus('degraded by both skills', (s) => s.mode === 'degraded' && s.reasons.length === 2);
  expect(degraded.reasons).toEqual(BOTH_STALE);
  return daemon;
}

describe('clawctl status and clawsup-node-status agree on skills', () => {
  it('daemon up: both say degraded with skill-stale for the pre-config run and the never-run skill, exit 1', async () => {
    const daemon = await startStaleNode();
    const ctl = await runClawctl(['--config', daemon.configPath, 'status']);
    expect(ctl.code).toBe(1);
    expect(ctl.stdout).toMatch(/^mode: degraded /m);
    expect(ctl.stdout).toContain(`reasons: ${BOTH_STALE.join(', ')}\n`);

    const script = await nodeStatus(daemon.statusDir);
    expect(script.stderr).toBe('');
    expect(script.code).toBe(ctl.code);
    expect(script.stdout).toMatch(new RegExp(`^WARNING: degraded: ${BOTH_STALE.join(', ')}\n`));
    expect(script.stdout).toContain(`reasons: ${BOTH_STALE.join(', ')}\n`);
    expect(script.stdout).toMatch(/^skill daily-memory: stale, /m);
    expect(script.stdout).toMatch(/^skill never-ran: stale, last success never/m);
  });

  it('daemon down: node-status judges the skills with the config the daemon ran, as the daemon did', async () => {
    const daemon = await startStaleNode();
    expect((await daemon.stop()).code).toBe(0);

    // clawctl cannot ask: exit 3 (no daemon answered), with the last status the daemon wrote.
    const ctl = await runClawctl(['--config', daemon.configPath, 'status']);
    expect(ctl.code).toBe(3);
    expect(ctl.stdout).toMatch(/^NOT LIVE: /);
    expect(ctl.stdout).toMatch(/^ +daily-memory +stale /m);
    expect(ctl.stdout).toMatch(/^ +never-ran +stale /m);

    // node-status judges from the files, with the same judgeSkills: no gateway and no healthy skill is CRITICAL.
    const script = await nodeStatus(daemon.statusDir);
    expect(script.stderr).toBe('');
    expect(script.code).toBe(2);
    expect(script.stdout).toMatch(/^CRITICAL: everything down\n/);
    expect(script.stdout).toContain(`reasons: ${BOTH_STALE.join(', ')}\n`);
    expect(script.stdout).toMatch(/^clawsupd: not running, last wrote mode stopped, written /m);
    expect(script.stdout).toMatch(/^skill daily-memory: stale, /m);
    expect(script.stdout).toMatch(/^skill never-ran: stale, last success never/m);
  });
});

describe('skill config on SIGHUP', () => {
  it('a skill added to the config shows in status.json within a second of SIGHUP', async () => {
    const daemon = startDaemon({ config: { gateway: forever } });
    await daemon.waitForStatus('healthy with no skills', (s) => s.mode === 'healthy' && s.skills !== undefined && Object.keys(s.skills).length === 0);
    const config = JSON.parse(readFileSync(daemon.configPath, 'utf8'));
    writeFileSync(daemon.configPath, JSON.stringify({ ...config, skills: { added: { maxAgeMs: HOUR_MS } } }));
    daemon.child.kill('SIGHUP');
    const shown = await waitFor('the added skill in status.json', () => daemon.status()?.skills?.added, RELOAD_SHOWS_WITHIN_MS, 10);
    expect(shown).toMatchObject({ state: 'unknown', maxAgeMs: HOUR_MS, lastSuccessAt: null });
  });
});

describe('clawsup-node-status loads the verdict code from dist/ beside packaging/', () => {
  it('through a symlink (a monitoring plugins folder) it finds the real dist/', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const link = join(temp.path, 'check_clawsup');
    symlinkSync(NODE_STATUS, link);
    const result = await nodeStatus(join(temp.path, 'status-none'), link);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^UNKNOWN: cannot read .*status-none: ENOENT\n$/);
    mkdirSync(join(temp.path, 'status'));
    expect(await nodeStatus(join(temp.path, 'status'), link)).toMatchObject({ code: 2, stdout: expect.stringMatching(/^CRITICAL: everything down\n/) });
  });

  it('a copy with no dist/ beside it says UNKNOWN and how to fix it, never a stack trace', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    mkdirSync(join(temp.path, 'packaging'));
    mkdirSync(join(temp.path, 'status'));
    const copy = join(temp.path, 'packaging', 'clawsup-node-status');
    copyFileSync(NODE_STATUS, copy);
    const result = await nodeStatus(join(temp.path, 'status'), copy);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^UNKNOWN: cannot load clawsup's dist\/skills\/node-verdict\.js beside packaging\/ \(build it: npm run build\): /);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('');
  });
});
