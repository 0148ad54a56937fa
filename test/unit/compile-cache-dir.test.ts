import { describe, expect, it } from 'vitest';
import { compileCacheDirFor, foldersDownTo, isPrivateToUser, type FolderFacts } from '../../src/cli/compile-cache-dir.js';

const folder = (path: string, ownerUid: number | null, mode: number, isDirectory = true): FolderFacts => ({ path, ownerUid, mode, isDirectory });

describe("where clawctl keeps Node's compile cache", () => {
  it.each([
    ['the user cache folder', {}, '/home/alice', '/home/alice/.cache/clawsup/node-compile-cache'],
    ['XDG_CACHE_HOME first', { XDG_CACHE_HOME: '/var/cache/alice/' }, '/home/alice', '/var/cache/alice/clawsup/node-compile-cache'],
    ['a relative XDG_CACHE_HOME is ignored', { XDG_CACHE_HOME: 'cache' }, '/root', '/root/.cache/clawsup/node-compile-cache'],
    ['no home: no cache', {}, '', null],
    ['home at / (a nobody user): no cache', {}, '/', null],
  ])('%s', (_what, env: Record<string, string>, home, expected) => {
    expect(compileCacheDirFor(env, home)).toBe(expected);
  });

  it('checks every folder from / down', () => {
    expect(foldersDownTo('/home/alice/.cache/clawsup')).toEqual(['/', '/home', '/home/alice', '/home/alice/.cache', '/home/alice/.cache/clawsup']);
  });

  it.each([
    ['folders of root and the user, writable by them alone', 1000, [folder('/', 0, 0o40755), folder('/home', 0, 0o40755), folder('/home/alice', 1000, 0o40700), folder('/home/alice/.cache', null, 0)], true],
    ['a folder on the way owned by another user (root with sudo and HOME=/home/alice)', 0, [folder('/', 0, 0o40755), folder('/home', 0, 0o40755), folder('/home/alice', 1000, 0o40755)], false],
    ['a folder its group may write', 1000, [folder('/', 0, 0o40755), folder('/home/alice', 1000, 0o40775)], false],
    ['a folder anyone may write, sticky or not (/tmp)', 0, [folder('/', 0, 0o40755), folder('/tmp', 0, 0o41777)], false],
    ['a symlink or a file where a folder should be', 1000, [folder('/', 0, 0o40755), folder('/home/alice/.cache', 1000, 0o120777, false)], false],
  ])('%s (uid %i)', (_what, uid, folders, expected) => {
    expect(isPrivateToUser(folders, uid)).toBe(expected);
  });
});
