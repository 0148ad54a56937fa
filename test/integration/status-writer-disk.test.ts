import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStatusWriter } from '../../src/status/status-writer.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir('cs-writer-');
});
afterEach(() => temp.remove());

function readMode(path: string): string | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).mode as string;
  } catch {
    return null;
  }
}

describe('status.json on a real disk', () => {
  it('a write that failed is written once the disk takes it again, with no further change asked for', async () => {
    const dir = join(temp.path, 'status');
    // The status dir cannot be made while a file holds its name: every write fails, as on a full disk.
    writeFileSync(dir, 'in the way\n');
    const errors: string[] = [];
    let mode = 'held';
    const writer = createStatusWriter(join(dir, 'status.json'), () => ({ mode }), (error) => errors.push(error.code ?? ''), 200);
    writer.write();
    await waitFor('the first write to fail', () => errors.length > 0, 5_000);
    mode = 'healthy';
    rmSync(dir);
    mkdirSync(dir);
    await waitFor('status.json saying healthy', () => readMode(join(dir, 'status.json')) === 'healthy', 5_000);
    expect(errors).toHaveLength(1);
    await writer.flush();
  });

  it('is 0640 (it carries evidence), and takes a group when one is given', async () => {
    const path = join(temp.path, 'status.json');
    const writer = createStatusWriter(path, () => ({ mode: 'healthy' }), () => undefined, 200);
    writer.write();
    await waitFor('status.json', () => readMode(path) === 'healthy', 5_000);
    expect(statSync(path).mode & 0o777).toBe(0o640);

    const groupId = process.getgid?.() ?? 0;
    const grouped = join(temp.path, 'grouped.json');
    const groupWriter = createStatusWriter(grouped, () => ({ mode: 'healthy' }), () => undefined, 200, { groupId });
    groupWriter.write();
    await groupWriter.flush();
    expect(readMode(grouped)).toBe('healthy');
    expect(statSync(grouped)).toMatchObject({ gid: groupId });
    expect(statSync(grouped).mode & 0o777).toBe(0o640);
  });
});
