// Debian's real logrotate, run with the shipped packaging/logrotate/clawsup rules against a running clawsupd's log.file:
// logrotate signals nothing, and clawsupd reopens the path by itself, its config not reloaded.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readTemplates } from '../../src/install/install-facts.js';
import { renderLogrotate } from '../../src/install/render-service.js';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const REOPENED = 'log file moved away: reopened it';
const LOGROTATE = ['/usr/sbin/logrotate', '/sbin/logrotate', '/usr/bin/logrotate'].find((path) => isExecutable(path));

afterEach(cleanupDaemons);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readMessages(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => String((JSON.parse(line) as { msg?: string }).msg));
}

function runLogrotate(args: string[]): Promise<{ code: number; output: string }> {
  if (LOGROTATE === undefined) throw new Error('no logrotate binary: apt-get install logrotate (.ci/run does)');
  return new Promise((resolve) => {
    execFile(LOGROTATE, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: stdout + stderr });
    });
  });
}

describe.skipIf(process.platform !== 'linux')('logrotate with the shipped rules', () => {
  it('rotates log.file twice with no signal: clawsupd reopens each time, the rotated lines stay, compressed one run later', async () => {
    const temp = makeTempDir('cs-logrotate-');
    const logFile = join(temp.path, 'clawsupd.log');
    const rules = join(temp.path, 'logrotate.conf');
    const state = join(temp.path, 'logrotate.state');
    const daemon = startDaemon({ config: { gateway: forever, log: { file: logFile } }, dir: temp.path });
    try {
      await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
      await waitFor('clawsupd started, in the file', () => readMessages(logFile).includes('clawsupd started'));
      // The test runs as root in its own temp folder: logrotate works there as root.
      writeFileSync(rules, renderLogrotate(readTemplates().logrotate ?? '', logFile, 'root', '0'), { mode: 0o644 });

      const first = await runLogrotate(['-f', '-s', state, rules]);
      expect(first.output).toBe('');
      expect(first.code).toBe(0);
      await waitFor('the reopen, in the new file logrotate created', () => readMessages(logFile).includes(REOPENED), 5_000);
      expect(statSync(logFile).mode & 0o777).toBe(0o640);
      const rotated = readMessages(`${logFile}.1`);
      expect(rotated).toContain('clawsupd started');
      expect(rotated).not.toContain(REOPENED);
      // Not a reload: the gateway kept running, and only the log moved.
      expect(readMessages(logFile)).not.toContain('config reloaded');
      expect((await runClawctl(['--config', daemon.configPath, 'restart'])).code).toBe(0);
      await daemon.waitForStatus('restarted', (s) => s.mode === 'healthy' && s.gateway.restarts === 1);
      await waitFor("the new gateway's output, in the new file", () => readMessages(logFile).includes('gateway output'));
      expect(readMessages(`${logFile}.1`)).toEqual(rotated);

      const second = await runLogrotate(['-f', '-s', state, rules]);
      expect(second.code).toBe(0);
      await waitFor('the second reopen', () => readMessages(logFile).includes(REOPENED), 5_000);
      // delaycompress: the first rotation is compressed now, the second is still plain (clawsupd may still write there).
      expect(gunzipSync(readFileSync(`${logFile}.2.gz`)).toString('utf8')).toContain('"msg":"clawsupd started"');
      expect(readMessages(`${logFile}.1`)).toContain('gateway output');
      expect(daemon.child.exitCode).toBeNull();
    } finally {
      await daemon.cleanup();
      temp.remove();
    }
  });
});
