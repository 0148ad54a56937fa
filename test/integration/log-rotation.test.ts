// newsyslog under launchd rotates clawsupd.log with no signal (flag N): clawsupd must notice the move by itself.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const REOPENED = 'log file moved away: reopened it';

afterEach(cleanupDaemons);

function readMessages(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => String((JSON.parse(line) as { msg?: string }).msg));
}

describe('log.file moved away, with no signal sent', () => {
  it.each([
    ['renamed, a new empty file in its place (newsyslog)', (path: string) => (renameSync(path, `${path}.0`), writeFileSync(path, ''))],
    ['renamed, nothing in its place', (path: string) => renameSync(path, `${path}.0`)],
    ['removed', (path: string) => rmSync(path)],
  ])('%s: clawsupd reopens the path by itself and logs there', async (_, rotate) => {
    const temp = makeTempDir();
    const logFile = join(temp.path, 'clawsupd.log');
    const daemon = startDaemon({ config: { gateway: forever, log: { file: logFile } }, dir: temp.path });
    try {
      await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
      await waitFor('clawsupd started, in the file', () => readMessages(logFile).includes('clawsupd started'));
      rotate(logFile);
      await waitFor('the reopen, in a new file at the path', () => readMessages(logFile).includes(REOPENED), 5_000);
      const rotatedBefore = readMessages(`${logFile}.0`);
      expect(rotatedBefore).not.toContain(REOPENED);
      // What clawsupd logs from now on goes to the new file only.
      expect((await runClawctl(['--config', daemon.configPath, 'restart'])).code).toBe(0);
      await daemon.waitForStatus('restarted', (s) => s.mode === 'healthy' && s.gateway.restarts === 1);
      // The new gateway's first line ("ready PID") is logged as gateway output.
      await waitFor("the new gateway's output, in the new file", () => readMessages(logFile).includes('gateway output'));
      expect(readMessages(`${logFile}.0`)).toEqual(rotatedBefore);
    } finally {
      await daemon.cleanup();
      temp.remove();
    }
  });
});
