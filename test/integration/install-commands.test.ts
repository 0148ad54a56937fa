// The commands install runs: a timeout is said as one (not "exit 127"), and `systemctl enable --now` may wait as long
// as the unit's own start does (clawsupd sends READY=1 only once the gateway's first start has an outcome).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawctlContext } from '../../src/cli/command.js';
import { runInstall } from '../../src/cli/commands/install.js';
import { runUninstall } from '../../src/cli/commands/uninstall.js';
import { runCommand, type CommandRunner } from '../../src/install/command-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

describe('runCommand', () => {
  it('stops a command at its timeout and says it timed out, with exit 124 as timeout(1) does', async () => {
    const startedAtMs = Date.now();
    const result = await runCommand(['sleep', '5'], 200);
    expect(Date.now() - startedAtMs).toBeLessThan(3_000);
    expect(result.code).toBe(124);
    expect(result.stderr).toContain('sleep 5 did not finish within 0.2 s');
  });

  it('keeps what the command wrote before its timeout', async () => {
    const result = await runCommand(['sh', '-c', 'echo Created symlink >&2; sleep 5'], 300);
    expect(result.code).toBe(124);
    expect(result.stderr).toContain('Created symlink');
  });
});

describe('install --system on Linux', () => {
  it('gives `systemctl enable --now` as long as the start of a slow gateway takes, and every other command 30 s', async () => {
    const temp = makeTempDir('cs-instcmd-');
    temps.push(temp);
    const root = temp.path;
    mkdirSync(join(root, 'home/ada'), { recursive: true });
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nclaw:x:1001:1001::/home/claw:/bin/bash\n');
    const ran: Array<{ argv: string[]; timeoutMs: number | undefined }> = [];
    const runner: CommandRunner = async (argv, timeoutMs) => {
      ran.push({ argv: [...argv], timeoutMs });
      return { code: 0, stdout: '', stderr: '' };
    };
    const context: ClawctlContext = { configPath: undefined, socketPath: undefined, stdout: () => undefined, stderr: () => undefined };
    const env = { CLAWSUP_ROOT: root, HOME: '/home/ada', USER: 'ada', PATH: '/usr/bin:/bin' };
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], context, { env, runner, shouldRunCommands: true })).toBe(0);
    const enable = ran.find((run) => run.argv.join(' ') === 'systemctl enable --now clawsupd.service');
    // TimeoutStartSec=90s, pushed out by clawsupd while the gateway boots (health.startTimeoutMs is 180 s in production).
    expect(enable?.timeoutMs).toBeGreaterThanOrEqual(600_000);
    expect(ran.filter((run) => run !== enable).map((run) => run.timeoutMs)).toEqual(ran.filter((run) => run !== enable).map(() => undefined));

    // `disable --now` returns when the unit has stopped: the gateway drains up to 315 s, TimeoutStopSec is 345 s.
    ran.length = 0;
    expect(await runUninstall(['--system', '--platform', 'linux'], context, { env, runner, shouldRunCommands: true })).toBe(0);
    const disable = ran.find((run) => run.argv.join(' ') === 'systemctl disable --now clawsupd.service');
    expect(disable?.timeoutMs).toBeGreaterThanOrEqual(360_000);
  });
});
