import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeClawctlForOthers, runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };

afterEach(cleanupDaemons);
afterAll(removeClawctlForOthers);

if (!isRoot) console.log('control-permissions: skipped, a second uid needs root (setpriv)');

describe.skipIf(!isRoot)('control socket permissions (as root, with uid 65534 as the other user)', () => {
  it('is owner-only by default: socket 0600 in a 0700 folder it made; another user cannot connect', async () => {
    const temp = makeTempDir();
    // Let the other user reach the folders, so that only the socket's own rules stop it.
    chmodSync(temp.path, 0o711);
    const socket = join(temp.path, 'run', 'clawsupd.sock');
    const daemon = startDaemon({ config: { gateway: forever, control: { socket } }, dir: temp.path });
    try {
      await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(statSync(join(temp.path, 'run')).mode & 0o777).toBe(0o700);

      const other = await runClawctl(['--socket', socket, 'restart'], { asUid: NOBODY });
      expect(other.code).toBe(77);
      expect(other.stderr).toMatch(/permission denied/);
      chmodSync(join(temp.path, 'run'), 0o711);
      const stillOther = await runClawctl(['--socket', socket, 'stop'], { asUid: NOBODY });
      expect(stillOther.code).toBe(77);
      expect(daemon.status()?.mode).toBe('healthy');
      expect((await runClawctl(['--socket', socket, 'status'])).code).toBe(0);
    } finally {
      await daemon.stop();
      temp.remove();
    }
  });

  it('with control.group, members of that group may use it (socket 0660, folder 0750, both in the group)', async () => {
    const temp = makeTempDir();
    chmodSync(temp.path, 0o711);
    const socket = join(temp.path, 'run', 'clawsupd.sock');
    const daemon = startDaemon({ config: { gateway: forever, control: { socket, group: String(NOBODY) } }, dir: temp.path });
    try {
      await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
      expect(statSync(socket)).toMatchObject({ gid: NOBODY });
      expect(statSync(socket).mode & 0o777).toBe(0o660);
      expect(statSync(join(temp.path, 'run')).mode & 0o777).toBe(0o750);
      // status.json carries evidence: the daemon's user and the control group, nobody else.
      const statusFile = statSync(join(daemon.statusDir, 'status.json'));
      expect(statusFile.gid).toBe(NOBODY);
      expect(statusFile.mode & 0o777).toBe(0o640);

      const member = await runClawctl(['--socket', socket, 'status', '--json'], { asUid: NOBODY });
      expect(member.code).toBe(0);
      expect(JSON.parse(member.stdout).mode).toBe('healthy');
      const stop = await runClawctl(['--socket', socket, 'stop'], { asUid: NOBODY });
      expect(stop.code).toBe(0);
      await daemon.waitForStatus('held by the group member', (s) => s.mode === 'held');
    } finally {
      await daemon.stop();
      temp.remove();
    }
  });
});
