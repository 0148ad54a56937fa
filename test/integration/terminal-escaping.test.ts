// Skill messages and gateway output are written by agents: they reach the operator's terminal escaped, never raw.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl, type ClawctlRun } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, REPO_ROOT, startDaemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeFileSync } from 'node:fs';

const NODE_STATUS = join(REPO_ROOT, 'packaging/clawsup-node-status');
// Clear the screen, retitle the window, ring the bell, go back to the line's start, an 8-bit CSI, a bidi override.
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\rmode: healthy\u009b31m\u202egnp.exe';
const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007\\u000dmode: healthy\\u009b31m\\u202egnp.exe';
// Any byte a terminal acts on: C0 but tab and newline, DEL, C1, and the bidi controls.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

afterEach(cleanupDaemons);

function nodeStatus(dir: string): Promise<ClawctlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NODE_STATUS, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

describe('what agents wrote reaches the terminal escaped', () => {
  it('clawctl status, status --json and node-status escape a skill message; the JSON still parses to it', async () => {
    const temp = makeTempDir();
    try {
      const configPath = join(temp.path, 'c.json5');
      writeFileSync(configPath, `{ gateway: { command: ['x'] }, control: { socket: './none.sock' }, status: { dir: './status' } }`);
      const ctl = (...args: string[]) => runClawctl(['--config', configPath, ...args]);
      const report = await ctl('skill', 'report', 'memory', '--status', 'failure', '--message', `${HOSTILE}\nreasons: none`);
      expect(report.code).toBe(0);
      // No daemon wrote status.json here: a hand-made one carries the message the way clawsupd would.
      const status = { mode: 'degraded', reasons: [`skill-failing:${HOSTILE}`], skills: { memory: { state: 'failing', status: 'failure', message: HOSTILE } } };
      writeFileSync(join(temp.path, 'status', 'status.json'), JSON.stringify(status));

      const human = await ctl('status');
      expect(human.code).toBe(3);
      expect(human.stdout).not.toMatch(RAW_CONTROL);
      expect(human.stdout).toContain(`reasons: skill-failing:${ESCAPED}`);
      expect(human.stdout).toContain(ESCAPED);

      const asJson = await ctl('status', '--json');
      expect(asJson.stdout).not.toMatch(RAW_CONTROL);
      expect(JSON.parse(asJson.stdout)).toEqual(status);

      const byFiles = await nodeStatus(join(temp.path, 'status'));
      expect(byFiles.stdout).not.toMatch(RAW_CONTROL);
      // The message's own newline is escaped too: no line of it can pass for one of node-status's.
      expect(byFiles.stdout).toContain(`${ESCAPED}\\u000areasons: none`);
    } finally {
      temp.remove();
    }
  });

  it('clawctl logs escapes the gateway output, one gateway line per output line', async () => {
    const printer = `process.stdout.write(${JSON.stringify(`${HOSTILE}\n`)}); setInterval(() => {}, 1000)`;
    const daemon = startDaemon({ config: { gateway: { command: [process.execPath, '-e', printer] } } });
    const logs = await waitFor('the hostile line in clawctl logs', async () => {
      const result = await runClawctl(['--config', daemon.configPath, 'logs']);
      return result.stdout.includes('mode: healthy') ? result : undefined;
    });
    expect(logs.code).toBe(0);
    expect(logs.stdout).not.toMatch(RAW_CONTROL);
    expect(logs.stdout).toContain(`${ESCAPED}\n`);
  });

  it('clawctl diagnose escapes the evidence lines', async () => {
    const gateway = [process.execPath, join(FIXTURES, 'exit-with.mjs'), '78', '0', `${HOSTILE} Missing config. Run openclaw setup`];
    const daemon = startDaemon({ config: { gateway: { command: gateway } } });
    await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    const diagnose = await runClawctl(['--config', daemon.configPath, 'diagnose']);
    expect(diagnose.code).toBe(0);
    expect(diagnose.stdout).not.toMatch(RAW_CONTROL);
    expect(diagnose.stdout).toContain(ESCAPED);
  });
});
