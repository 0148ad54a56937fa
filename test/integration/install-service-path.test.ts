// The service's PATH is built from where openclaw and node resolve, not copied from the installer's shell; a system
// install whose config sets log.file gets logrotate rules for it.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClawctlContext } from '../../src/cli/command.js';
import { runInstall } from '../../src/cli/commands/install.js';
import { runUninstall } from '../../src/cli/commands/uninstall.js';
import type { CommandRunner } from '../../src/install/command-runner.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

function setUp(home: string, path: string): { root: string; out: string[]; context: ClawctlContext; deps: { env: NodeJS.ProcessEnv; runner: CommandRunner; shouldRunCommands: boolean }; listTree(): string[] } {
  const temp = makeTempDir('cs-svcpath-');
  temps.push(temp);
  const root = temp.path;
  mkdirSync(join(root, home), { recursive: true });
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\nclaw:x:1001:1001::/home/claw:/bin/bash\n');
  const out: string[] = [];
  const runner: CommandRunner = async () => ({ code: 0, stdout: '', stderr: '' });
  const listTree = (dir = root): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = join(dir, entry.name);
      return entry.isDirectory() ? [relative(root, full) + '/', ...listTree(full)] : [relative(root, full)];
    });
  return {
    root,
    out,
    context: { configPath: undefined, socketPath: undefined, stdout: (text) => out.push(text), stderr: (text) => out.push(text) },
    deps: { env: { CLAWSUP_ROOT: root, HOME: home, USER: 'ada', PATH: path }, runner, shouldRunCommands: true },
    listTree: () => listTree(),
  };
}

/** A Node version as nvm lays it out, with openclaw installed into it by that version's npm. */
function makeNvmVersion(nvmDir: string, version: string): string {
  const bin = join(nvmDir, 'versions/node', version, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of ['node', 'npm', 'openclaw']) writeFileSync(join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
  return bin;
}

describe('the service PATH of an install', () => {
  it("--user on an nvm node: PATH names clawsup's stable link to the version folder, drops ~/.cargo/bin and pyenv shims; uninstall removes the link", async () => {
    const machine = makeTempDir('cs-nvm-');
    temps.push(machine);
    const v24 = makeNvmVersion(join(machine.path, '.nvm'), 'v24.21.0');
    const cargo = join(machine.path, '.cargo/bin');
    const shims = join(machine.path, '.pyenv/shims');
    const setup = setUp('/home/ada', `${cargo}:${shims}:${v24}:/usr/bin`);
    const before = setup.listTree();
    expect(await runInstall(['--user', '--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    const link = '/home/ada/.local/lib/clawsup/gateway-bin';
    const env = readFileSync(join(setup.root, '/home/ada/.config/clawsup/clawsupd.env'), 'utf8');
    expect(env).toContain(`\nPATH=${link}:${SYSTEM_PATH}\n`);
    expect(readlinkSync(join(setup.root, link))).toBe(realpathSync(v24));
    const out = setup.out.join('');
    expect(out).toContain(`the service's PATH leaves out ${cargo} (set by your shell), ${shims} (set by your shell), ${v24} (one Node version, reached through ${link})`);
    expect(await runUninstall(['--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    expect(setup.listTree()).toEqual(before);
  });

  it('an nvm upgrade is followed by installing again: the link moves to the new version, the kept env file still names the link', async () => {
    const machine = makeTempDir('cs-nvm-');
    temps.push(machine);
    const nvm = join(machine.path, '.nvm');
    const v24 = makeNvmVersion(nvm, 'v24.21.0');
    const setup = setUp('/home/ada', `${v24}:/usr/bin`);
    expect(await runInstall(['--user', '--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    const envFile = join(setup.root, '/home/ada/.config/clawsup/clawsupd.env');
    const envBefore = readFileSync(envFile, 'utf8');
    const v26 = makeNvmVersion(nvm, 'v26.1.0');
    const upgraded = { ...setup.deps, env: { ...setup.deps.env, PATH: `${v26}:/usr/bin` } };
    expect(await runInstall(['--user', '--platform', 'linux'], setup.context, upgraded)).toBe(0);
    expect(readlinkSync(join(setup.root, '/home/ada/.local/lib/clawsup/gateway-bin'))).toBe(realpathSync(v26));
    expect(readFileSync(envFile, 'utf8')).toBe(envBefore);
  });

  it('says when openclaw is not on the PATH install sees (sudo secure_path), and how to hand it the shell PATH', async () => {
    const setup = setUp('/root', SYSTEM_PATH);
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw', '--dry-run'], setup.context, setup.deps)).toBe(0);
    const out = setup.out.join('');
    expect(out).toContain("note: openclaw is not on this PATH, so the service's PATH (");
    expect(out).toContain('under sudo, run `sudo env "PATH=$PATH" clawctl install ...`');
  });
});

describe('logrotate rules for log.file (Linux system install)', () => {
  it('are written when the kept config sets log.file: su to the run-as user, no signal, no copytruncate; uninstall removes them', async () => {
    const setup = setUp('/root', SYSTEM_PATH);
    mkdirSync(join(setup.root, 'etc/clawsup'), { recursive: true });
    writeFileSync(join(setup.root, 'etc/clawsup/clawsup.json5'), '{ gateway: { command: ["openclaw", "gateway", "run"] }, log: { file: "/var/log/clawsup/clawsupd.log" } }\n');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw', '--dry-run'], setup.context, setup.deps)).toBe(0);
    expect(setup.out.join('')).toContain('write /etc/logrotate.d/clawsup (rotates /var/log/clawsup/clawsupd.log; clawsupd reopens it, no signal)');
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    const rules = readFileSync(join(setup.root, 'etc/logrotate.d/clawsup'), 'utf8');
    const body = rules.split('\n').filter((line) => !line.startsWith('#'));
    expect(body[0]).toBe('"/var/log/clawsup/clawsupd.log" {');
    expect(body).toEqual(expect.arrayContaining(['    su claw 1001', '    create 0640', '    delaycompress']));
    expect(body.join('\n')).not.toMatch(/postrotate|copytruncate|@[A-Z_]+@/);
    expect(await runUninstall(['--system', '--platform', 'linux'], setup.context, setup.deps)).toBe(0);
    expect(readdirSync(join(setup.root, 'etc'))).not.toContain('logrotate.d');
  });

  it('are not written when the config logs to the journal (no log.file)', async () => {
    const setup = setUp('/root', SYSTEM_PATH);
    expect(await runInstall(['--system', '--platform', 'linux', '--run-as', 'claw'], setup.context, setup.deps)).toBe(0);
    expect(readdirSync(join(setup.root, 'etc'))).not.toContain('logrotate.d');
  });
});
