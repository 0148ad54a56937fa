import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(async () => {
  await cleanupDaemons();
  for (const dir of dirs.splice(0)) dir.remove();
});

const OPTIONAL_PARTS = ['dist/probes/probes-part.js', 'dist/systemd/systemd-notify-part.js', 'dist/daemon/log-rotation-part.js'];

/** Starts clawsupd with a module-load recorder, waits for it to be up, and returns the files of dist/ it loaded. */
async function loadedModules(config: Record<string, unknown>): Promise<string[]> {
  const dir = makeTempDir('csl-');
  dirs.push(dir);
  const recordPath = join(dir.path, 'loads.txt');
  const daemon = startDaemon({
    dir: dir.path,
    config: { gateway: { command: [process.execPath, join(FIXTURES, 'forever.mjs')] }, ...config },
    env: { NODE_OPTIONS: `--import ${pathToFileURL(join(FIXTURES, 'record-loads.mjs')).href}`, RECORD_LOADS_FILE: recordPath, NOTIFY_SOCKET: '' },
  });
  await daemon.waitForLog('clawsupd started', (record) => record.msg === 'clawsupd started');
  await daemon.stop();
  return readFileSync(recordPath, 'utf8').split('\n');
}

describe('parts whose feature is off', () => {
  it('are never loaded: no probes, no systemd notify, no log rotation modules without health, NOTIFY_SOCKET or log.file', async () => {
    const loaded = await loadedModules({ health: { enabled: false } });
    expect(loaded.some((url) => url.endsWith('dist/daemon/supervisor.js'))).toBe(true);
    for (const part of OPTIONAL_PARTS) expect(loaded.filter((url) => url.endsWith(part))).toEqual([]);
  });

  it('load when their feature is on', async () => {
    const loaded = await loadedModules({ health: { enabled: true, url: 'http://127.0.0.1:9/healthz' } });
    expect(loaded.some((url) => url.endsWith('dist/probes/probes-part.js'))).toBe(true);
  });
});
