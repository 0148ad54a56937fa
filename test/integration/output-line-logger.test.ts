// The gateway's output lines skip pino's per-call serializing: the records must still be what pino writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createOutputLineLogger } from '../../src/daemon/logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir('cs-linelog-');
afterAll(() => temp.remove());

const LINES = ['plain', 'quote " backslash \\ tab \t', 'unicode é 😀 \u2028 \u0001', '{"json":"inside"}', ''];

async function writeBoth(level: string, file: string): Promise<Array<Record<string, unknown>>> {
  const log = createLogger({ level, file });
  const logLine = createOutputLineLogger(log, 'gateway', 'gateway output');
  const child = log.child({ component: 'gateway' });
  for (const line of LINES) {
    child.info({ stream: 'stdout', line }, 'gateway output');
    logLine('stdout', line);
  }
  logLine('stderr', 'on stderr');
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  return readFileSync(file, 'utf8').trim().split('\n').filter((text) => text.length > 0).map((text) => JSON.parse(text) as Record<string, unknown>);
}

describe('createOutputLineLogger', () => {
  it('writes each line as the same record pino writes, fields in the same order', async () => {
    const records = await writeBoth('info', join(temp.path, 'info.log'));
    expect(records).toHaveLength(LINES.length * 2 + 1);
    for (let i = 0; i < LINES.length; i += 1) {
      const [fromPino, fast] = [records[2 * i], records[2 * i + 1]];
      expect(Object.keys(fast ?? {})).toEqual(Object.keys(fromPino ?? {}));
      expect({ ...fast, time: 'T' }).toEqual({ ...fromPino, time: 'T' });
      expect(fast?.line).toBe(LINES[i]);
    }
    expect(records.at(-1)).toMatchObject({ level: 'info', pid: process.pid, component: 'gateway', stream: 'stderr', line: 'on stderr', msg: 'gateway output' });
    expect(Date.parse(String(records.at(-1)?.time))).not.toBeNaN();
  });

  it('writes nothing when the level is above info', async () => {
    expect(await writeBoth('warn', join(temp.path, 'warn.log'))).toEqual([]);
  });
});
