// The daemon reads files in its status dir that others may replace (skill files are written by other users' skills):
// a FIFO or a link there, even one swapped in between the check and the read, is refused, never a blocked event loop.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';

let swapBeforeOpen: ((path: string) => void) | null = null;

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    lstatSync: ((path: fs.PathLike, options?: fs.StatSyncOptions) => {
      const stats = real.lstatSync(path, options);
      swapBeforeOpen?.(String(path));
      return stats;
    }) as typeof real.lstatSync,
  };
});

const { readSkillFacts } = await import('../../src/skills/skill-files.js');
const { readGatewayRecord } = await import('../../src/gateway/gateway-record.js');
const { readOrCreateGatewayMark } = await import('../../src/gateway/marked-processes.js');
const { readBaseline, readLatest, readSnapshotArg } = await import('../../src/audit/audit-files.js');

const temps: Array<{ remove(): void }> = [];
afterEach(() => {
  swapBeforeOpen = null;
  for (const temp of temps.splice(0)) temp.remove();
});

describe('the daemon reading status.dir/skills', () => {
  it('refuses a skill file swapped for a FIFO right after its check, at once', () => {
    const temp = makeTempDir();
    temps.push(temp);
    const skillsDir = join(temp.path, 'skills');
    fs.mkdirSync(skillsDir);
    const path = join(skillsDir, 'backup.json');
    fs.writeFileSync(path, JSON.stringify({ name: 'backup' }));
    swapBeforeOpen = (checked) => {
      if (checked !== path) return;
      swapBeforeOpen = null;
      fs.unlinkSync(path);
      execFileSync('mkfifo', [path]);
    };
    expect(readSkillFacts(temp.path)).toEqual([{ name: 'backup', record: null, problem: `${path}: a fifo, not a regular file` }]);
  });

  it('refuses a skill file swapped for a symlink right after its check', () => {
    const temp = makeTempDir();
    temps.push(temp);
    const skillsDir = join(temp.path, 'skills');
    fs.mkdirSync(skillsDir);
    const path = join(skillsDir, 'backup.json');
    fs.writeFileSync(path, JSON.stringify({ name: 'backup' }));
    fs.writeFileSync(join(temp.path, 'elsewhere.json'), JSON.stringify({ name: 'backup', state: 'ok' }));
    swapBeforeOpen = (checked) => {
      if (checked !== path) return;
      swapBeforeOpen = null;
      fs.unlinkSync(path);
      fs.symlinkSync(join(temp.path, 'elsewhere.json'), path);
    };
    expect(readSkillFacts(temp.path)).toEqual([{ name: 'backup', record: null, problem: `${path}: a symlink, not a regular file` }]);
  });

  it('a FIFO in place of the gateway record is no record, read at once', () => {
    const temp = makeTempDir();
    temps.push(temp);
    execFileSync('mkfifo', [join(temp.path, 'gateway.pid.json')]);
    expect(readGatewayRecord(temp.path)).toBeNull();
  });

  it('a FIFO in place of the gateway mark is no mark: a new one is made, read at once', () => {
    const temp = makeTempDir();
    temps.push(temp);
    execFileSync('mkfifo', [join(temp.path, 'gateway-mark')]);
    expect(readOrCreateGatewayMark(temp.path)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a FIFO or a link to /dev/zero in place of the audit snapshots is no snapshot, read at once', () => {
    const temp = makeTempDir();
    temps.push(temp);
    execFileSync('mkfifo', [join(temp.path, 'latest.json')]);
    fs.symlinkSync('/dev/zero', join(temp.path, 'baseline.json'));
    expect(readLatest(temp.path)).toBeNull();
    expect(readBaseline(temp.path)).toBeNull();
    expect(() => readSnapshotArg(temp.path, 'latest')).toThrow(`cannot read audit snapshot ${join(temp.path, 'latest.json')}: a fifo, not a regular file`);
  });
});
