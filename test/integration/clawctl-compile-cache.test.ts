// clawctl turns on Node's compile cache (Node 22+) in a folder of its user's alone, and runs the same without one.
// Each Node here is tried: the tests' own, and the Node 24 the real-gateway suite installs, when it is there.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAWCTL } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NODE_24 = join(homedir(), '.cache', 'clawsup', 'openclaw-2026.9.6', 'bin', 'node');
const NODES = [process.execPath, ...(existsSync(NODE_24) ? [NODE_24] : [])];
const removals: Array<() => void> = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

function hasCompileCache(node: string): boolean {
  return spawnSync(node, ['-p', "typeof require('node:module').enableCompileCache"], { encoding: 'utf8' }).stdout.trim() === 'function';
}

function runVersion(node: string, cacheHome: string): ReturnType<typeof spawnSync> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_EXTRA_CA_CERTS: '' };
  delete env.NODE_COMPILE_CACHE;
  return spawnSync(node, [CLAWCTL, '--version'], { env, encoding: 'utf8' });
}

describe.each(NODES)('clawctl on %s', (node) => {
  it('keeps its compiled code in $XDG_CACHE_HOME/clawsup/node-compile-cache where Node can, made 0700', () => {
    // Not under the temp dir: others may write there, so clawctl keeps no cache in it (the next test).
    mkdirSync(join(homedir(), '.cache'), { recursive: true, mode: 0o700 });
    const cacheHome = mkdtempSync(join(homedir(), '.cache', 'clawsup-test-'));
    removals.push(() => rmSync(cacheHome, { recursive: true, force: true }));
    const run = runVersion(node, cacheHome);
    expect(run.status).toBe(0);
    const dir = join(cacheHome, 'clawsup', 'node-compile-cache');
    if (!hasCompileCache(node)) {
      expect(existsSync(dir)).toBe(false);
      return;
    }
    expect(readdirSync(dir).length).toBe(1);
    expect(spawnSync('stat', ['-c', '%a', dir], { encoding: 'utf8' }).stdout.trim()).toBe('700');
    expect(runVersion(node, cacheHome).status).toBe(0);
  });

  it('keeps no cache under a folder others may write (the temp dir), and runs all the same', () => {
    const temp = makeTempDir();
    removals.push(() => temp.remove());
    const cacheHome = join(temp.path, 'shared');
    mkdirSync(cacheHome);
    chmodSync(cacheHome, 0o1777);
    const run = runVersion(node, cacheHome);
    expect(run.status).toBe(0);
    expect(String(run.stdout).trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(existsSync(join(cacheHome, 'clawsup'))).toBe(false);
  });
});
