import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { removeLiveDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };

afterEach(cleanupDaemons);

describe('the status dir removed under a running clawsupd, then clawsupd killed', () => {
  it('the mark and the gateway record come back with the lock, so the next clawsupd stops the old gateway', async () => {
    const first = startDaemon({ config: { gateway: forever } });
    const { gateway } = await first.waitForStatus('healthy', (s) => s.mode === 'healthy' && s.gateway.pid !== null);
    const oldGatewayPid = gateway.pid as number;
    const mark = readFileSync(join(first.statusDir, 'gateway-mark'), 'utf8');
    try {
      removeLiveDir(first.statusDir);
      await first.waitForLog('lock claimed again', (r) => r.msg === 'instance lock was removed: claimed it again');
      await waitFor(
        'the mark and the gateway record written again',
        () => existsSync(join(first.statusDir, 'gateway-mark')) && existsSync(join(first.statusDir, 'gateway.pid.json')),
        5_000,
      );
      expect(readFileSync(join(first.statusDir, 'gateway-mark'), 'utf8')).toBe(mark);
      expect(statSync(join(first.statusDir, 'gateway-mark')).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(join(first.statusDir, 'gateway.pid.json'), 'utf8'))).toMatchObject({ pid: oldGatewayPid, startTime: expect.any(String) });

      // In the foreground or under launchd nothing ends the gateway with its daemon.
      first.child.kill('SIGKILL');
      await first.exited;
      expect(isAlive(oldGatewayPid)).toBe(true);

      const second = startDaemon({ dir: first.dir, config: { gateway: forever } });
      await second.waitForStatus('a new gateway', (s) => s.mode === 'healthy' && s.daemon.pid === second.pid && s.gateway.pid !== oldGatewayPid);
      await waitFor('the old gateway gone', () => !isAlive(oldGatewayPid), 5_000);
    } finally {
      killGroup(oldGatewayPid);
    }
  });
});
