import { chmodSync, chownSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
// Another user's folder needs root to make (chown), as in hostile-status-dir.
if (!isRoot) console.log('skill-forget-foreign: skipped, another user\'s files need root (chown)');

let temp: { path: string; remove(): void };

beforeEach(() => {
  temp = makeTempDir('cs-sff-');
  chmodSync(temp.path, 0o755);
});

afterEach(() => temp.remove());

function writeConfig(statusDir: string): string {
  const configPath = join(temp.path, 'c.json5');
  writeFileSync(configPath, JSON.stringify({ gateway: { command: ['x'] }, status: { dir: statusDir }, control: { socket: join(temp.path, 'none.sock') } }));
  return configPath;
}

function nobodysStatusDir(): string {
  const statusDir = join(temp.path, 'status');
  mkdirSync(statusDir, { mode: 0o755 });
  chownSync(statusDir, NOBODY, NOBODY);
  return statusDir;
}

describe.skipIf(!isRoot)("root forgets a skill in a daemon's folder of uid 65534, with no daemon answering", () => {
  it("removes the file as the folder's owner", async () => {
    const statusDir = nobodysStatusDir();
    mkdirSync(join(statusDir, 'skills'), { mode: 0o755 });
    chownSync(join(statusDir, 'skills'), NOBODY, NOBODY);
    writeFileSync(join(statusDir, 'skills', 'backup.json'), '{}');
    chownSync(join(statusDir, 'skills', 'backup.json'), NOBODY, NOBODY);
    const result = await runClawctl(['--config', writeConfig(statusDir), 'skill', 'forget', 'backup']);
    expect(result).toEqual({ code: 0, stdout: 'skill backup forgotten: its status file is removed; it leaves status.json\n', stderr: '' });
    expect(existsSync(join(statusDir, 'skills', 'backup.json'))).toBe(false);
  });

  it("never removes, through the owner's link, a file in a folder of root's", async () => {
    const statusDir = nobodysStatusDir();
    const rootsFolder = join(temp.path, 'roots');
    mkdirSync(rootsFolder, { mode: 0o755 });
    writeFileSync(join(rootsFolder, 'backup.json'), 'root keeps this\n');
    symlinkSync(rootsFolder, join(statusDir, 'skills'));
    const result = await runClawctl(['--config', writeConfig(statusDir), 'skill', 'forget', 'backup']);
    expect(result.code).toBe(73);
    expect(result.stderr).toMatch(/^clawctl: .*backup\.json: cannot remove the skill status file as its folder's owner \(uid 65534\): EACCES\n$/);
    expect(existsSync(join(rootsFolder, 'backup.json'))).toBe(true);
  });
});
