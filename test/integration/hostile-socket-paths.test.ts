import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAWSUPD } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir('cs-sock-');
});
afterEach(() => temp.remove());

/** Each case builds its hostile control.socket inside the temp dir and says what the refusal must mention. */
const CASES: Array<{ name: string; build: (dir: string) => string; says: string }> = [
  { name: 'an existing regular file', build: (dir) => join(dir, 'victim'), says: 'exists and is not a socket' },
  {
    name: 'a symlink to a file elsewhere',
    build: (dir) => {
      symlinkSync(join(dir, 'victim'), join(dir, 'link'));
      return join(dir, 'link');
    },
    says: 'exists and is not a socket',
  },
  { name: 'a path longer than a Unix socket may have (truncated, it would land in another folder)', build: (dir) => join(dir, 'd'.repeat(120), 's.sock'), says: 'over the' },
  {
    name: 'a world-writable folder without the sticky bit',
    build: (dir) => {
      mkdirSync(join(dir, 'open'));
      chmodSync(join(dir, 'open'), 0o777);
      return join(dir, 'open', 's.sock');
    },
    says: 'world-writable',
  },
  { name: 'a path that climbs back onto a file with ..', build: (dir) => join(dir, 'nowhere', '..', 'victim'), says: 'exists and is not a socket' },
];

describe('hostile input: control socket paths', () => {
  it.each(CASES)('refuses $name with exit 73 and one line, touching nothing', ({ build, says }) => {
    const victim = join(temp.path, 'victim');
    writeFileSync(victim, 'keep me\n');
    const socketPath = build(temp.path);
    const configPath = join(temp.path, 'clawsup.json5');
    writeFileSync(
      configPath,
      JSON.stringify({
        gateway: { command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'] },
        health: { enabled: false },
        status: { dir: join(temp.path, 'status') },
        control: { socket: socketPath },
      }),
    );
    const before = readdirSync(temp.path).sort();
    const result = spawnSync(process.execPath, [CLAWSUPD, '--config', configPath], {
      encoding: 'utf8',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
      timeout: 30_000,
    });
    expect(result.status).toBe(73);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(says);
    expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    const isSocket = (name: string): boolean => name.endsWith('.sock') || name.startsWith('ddd');
    expect(readdirSync(temp.path).sort().filter((name) => isSocket(name) && !before.includes(name))).toEqual([]);
  });
});
