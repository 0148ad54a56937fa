import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawctlContext } from '../../src/cli/command.js';
import { runInstall } from '../../src/cli/commands/install.js';
import type { CommandRunner } from '../../src/install/command-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

function setUp(home: string) {
  const temp = makeTempDir('cs-instlog-');
  temps.push(temp);
  const root = temp.path;
  mkdirSync(join(root, home), { recursive: true });
  // The run-as user as a passwd line, for an install that looks the user up.
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:*:0:0::/var/root:/bin/sh\nclaw:*:501:20::/Users/claw:/bin/zsh\nada:*:502:20::/Users/ada:/bin/zsh\n');
  const ran: string[][] = [];
  const out: string[] = [];
  const runner: CommandRunner = async (argv) => {
    ran.push([...argv]);
    return { code: 0, stdout: '', stderr: '' };
  };
  const context: ClawctlContext = { configPath: undefined, socketPath: undefined, stdout: (text) => out.push(text), stderr: (text) => out.push(text) };
  const deps = { env: { CLAWSUP_ROOT: root, HOME: home, USER: 'ada', PATH: '/usr/bin:/bin' }, runner, shouldRunCommands: true };
  return { root, ran, out, context, deps };
}

describe('the macOS log folder', () => {
  it('--system gives /Library/Logs/clawsup to the run-as user before launchd starts clawsupd, which creates its log there', async () => {
    const setup = setUp('/Users/ada');
    expect(await runInstall(['--system', '--platform', 'darwin', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const chown = setup.ran.findIndex((argv) => argv[0] === 'chown');
    const bootstrap = setup.ran.findIndex((argv) => argv[0] === 'launchctl' && argv[1] === 'bootstrap');
    expect(setup.ran[chown]).toEqual(['chown', 'claw:staff', '/Library/Logs/clawsup']);
    expect(chown).toBeLessThan(bootstrap);
  });

  it('--user leaves ~/Library/Logs/clawsup as made: it is already the user\'s', async () => {
    const setup = setUp('/Users/ada');
    expect(await runInstall(['--user', '--platform', 'darwin'], setup.context, setup.deps)).toBe(0);
    expect(setup.ran.filter((argv) => argv[0] === 'chown')).toEqual([]);
  });

  it('--system --dry-run shows the chown', async () => {
    const setup = setUp('/Users/ada');
    expect(await runInstall(['--system', '--platform', 'darwin', '--run-as', 'claw', '--dry-run'], setup.context, setup.deps)).toBe(0);
    expect(setup.out.join('')).toContain('run chown claw:staff /Library/Logs/clawsup');
    expect(setup.ran).toEqual([]);
  });
});
