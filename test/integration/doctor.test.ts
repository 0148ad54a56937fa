import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../src/install/command-runner.js';
import { runCommand } from '../../src/install/command-runner.js';
import { runDoctor } from '../../src/cli/commands/doctor.js';
import { runInstall } from '../../src/cli/commands/install.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('clawctl doctor on a node with problems', () => {
  it('fails on a vanished node link and an out-of-range node, warns on no fallback, with exit 2', async () => {
    const temp = makeTempDir('cs-doc-');
    temps.push(temp);
    const root = join(temp.path, 'root');
    const home = '/home/ada';
    const out: string[] = [];
    const context = { configPath: undefined as string | undefined, socketPath: undefined, stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) };
    const recording: CommandRunner = async () => ({ code: 0, stdout: '', stderr: '' });
    const env = { CLAWSUP_ROOT: root, HOME: home, USER: 'ada', PATH: `${join(temp.path, 'bin')}:${dirname(process.execPath)}` };
    mkdirSync(join(root, home), { recursive: true });
    expect(await runInstall(['--user', '--platform', 'linux'], context, { env, runner: recording, shouldRunCommands: false })).toBe(0);
    // An upgrade moved node away: the stable link now dangles.
    const nodeLink = join(root, home, '.local/lib/clawsup/node');
    rmSync(nodeLink);
    symlinkSync('/opt/node-v20-gone/bin/node', nodeLink);
    // An openclaw install that wants a node from the future, and a config without fallbacks.
    const pkg = join(temp.path, 'lib/node_modules/openclaw');
    write(join(pkg, 'package.json'), JSON.stringify({ name: 'openclaw', engines: { node: '>=99' } }));
    write(join(pkg, 'openclaw.mjs'), '#!/usr/bin/env node\n');
    chmodSync(join(pkg, 'openclaw.mjs'), 0o755);
    mkdirSync(join(temp.path, 'bin'));
    symlinkSync(join(pkg, 'openclaw.mjs'), join(temp.path, 'bin/openclaw'));
    write(join(temp.path, 'openclaw.json'), "{ agents: { defaults: { model: { primary: 'anthropic/claude', fallbacks: [] } } } }");
    const configPath = join(temp.path, 'clawsup.json5');
    write(configPath, JSON.stringify({ gateway: { command: ['openclaw', 'gateway', 'run', '--bind', 'lan'], openclawConfigPath: join(temp.path, 'openclaw.json') }, status: { dir: join(temp.path, 'status') } }));
    context.configPath = configPath;

    const code = await runDoctor(['--platform', 'linux'], context, { env, runner: runCommand });
    const text = out.join('');
    expect(code).toBe(2);
    expect(text).toMatch(/\[fail\]\s+service start paths: .*\/home\/ada\/\.local\/lib\/clawsup\/node/);
    expect(text).toMatch(/\[fail\]\s+node version for the gateway: node v\d+\.\d+\.\d+ does not satisfy openclaw's engines >=99/);
    expect(text).toMatch(/\[warn\]\s+model fallback: .*fallbacks is empty/);
    expect(text).toMatch(/\[ok\]\s+gateway reachable from skills: the gateway binds lan/);
    expect(text).toContain('fix: rerun `clawctl install`');
  });

  it('reads the same default OpenClaw config the probes read, ~/.openclaw/openclaw.json, when no path is configured', async () => {
    const temp = makeTempDir('cs-doc-');
    temps.push(temp);
    const root = join(temp.path, 'root');
    const home = '/home/bo';
    const out: string[] = [];
    const env = { CLAWSUP_ROOT: root, HOME: home, USER: 'bo', PATH: dirname(process.execPath) };
    write(join(root, home, '.openclaw/openclaw.json'), "{ agents: { defaults: { model: { primary: 'anthropic/claude', fallbacks: [] } } } }");
    const configPath = join(temp.path, 'clawsup.json5');
    write(configPath, JSON.stringify({ gateway: { command: ['openclaw', 'gateway', 'run'] }, status: { dir: join(temp.path, 'status') } }));
    const context = { configPath, socketPath: undefined, stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) };
    await runDoctor(['--platform', 'linux'], context, { env, runner: runCommand });
    expect(out.join('')).toMatch(/\[warn\]\s+model fallback: .*fallbacks is empty/);
  });
});
