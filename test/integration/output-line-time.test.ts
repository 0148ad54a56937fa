// A flood's lines share one ISO time per millisecond: each record still carries the millisecond it was written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, createOutputLineLogger } from '../../src/daemon/logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir('cs-linetime-');
afterAll(() => temp.remove());
afterEach(() => vi.useRealTimers());

describe('createOutputLineLogger time', () => {
  it('stamps each line with the millisecond it was written, lines within one millisecond alike', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const file = join(temp.path, 'times.log');
    const log = createLogger({ level: 'info', file });
    const logLine = createOutputLineLogger(log, 'gateway', 'gateway output');
    const stampsMs = [Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 6), Date.UTC(2026, 0, 2, 3, 4, 5, 7), Date.UTC(2026, 0, 2, 3, 4, 6, 7)];
    for (const [index, atMs] of stampsMs.entries()) {
      vi.setSystemTime(atMs);
      logLine('stdout', `line ${index}`);
    }
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    const times = readFileSync(file, 'utf8').trim().split('\n').map((text) => (JSON.parse(text) as { time: string }).time);
    expect(times).toEqual(stampsMs.map((atMs) => new Date(atMs).toISOString()));
  });
});
