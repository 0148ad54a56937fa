import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomicAsync } from '../../src/status/atomic-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir('cs-atomic-async-');
});
afterEach(() => temp.remove());

describe('writeFileAtomicAsync', () => {
  it('makes the folder when it is gone (status.dir removed under the daemon), and only then', async () => {
    const dir = join(temp.path, 'status', 'nested');
    await writeFileAtomicAsync(join(dir, 'status.json'), 'one\n');
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).toBe('one\n');
    rmSync(join(temp.path, 'status'), { recursive: true });
    await writeFileAtomicAsync(join(dir, 'status.json'), 'two\n');
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it('writes a large content whole, over the old file, leaving no temp file', async () => {
    const path = join(temp.path, 'status.json');
    writeFileSync(path, 'old\n');
    const content = `${'x'.repeat(3 * 1024 * 1024)}\n`;
    await writeFileAtomicAsync(path, content, { mode: 0o640 });
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(temp.path)).toEqual(['status.json']);
  });

  it('gives the file to a group, with exactly the mode asked for', async () => {
    const path = join(temp.path, 'status.json');
    const groupId = process.getgid?.() ?? 0;
    await writeFileAtomicAsync(path, 'x\n', { mode: 0o604, groupId });
    expect(statSync(path).mode & 0o777).toBe(0o604);
    expect(statSync(path).gid).toBe(groupId);
  });

  it('fails with the open error when the folder is a file, and leaves nothing behind', async () => {
    writeFileSync(join(temp.path, 'status'), 'not a folder');
    await expect(writeFileAtomicAsync(join(temp.path, 'status', 'status.json'), 'x\n')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(readdirSync(temp.path)).toEqual(['status']);
  });

  it('fails when the folder cannot be made, with mkdir\'s error', async () => {
    mkdirSync(join(temp.path, 'ro'));
    writeFileSync(join(temp.path, 'ro', 'blocker'), '');
    await expect(writeFileAtomicAsync(join(temp.path, 'ro', 'blocker', 'deeper', 'status.json'), 'x\n')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(existsSync(join(temp.path, 'ro', 'blocker'))).toBe(true);
  });
});
