import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomHex } from '../../src/random-hex.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('randomHex', () => {
  it('gives byteCount random bytes as lowercase hex, a new value each call', () => {
    const values = Array.from({ length: 50 }, () => randomHex(16));
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(values).size).toBe(values.length);
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('falls back to node:crypto where the kernel source is missing or ends early', () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const empty = join(dir.path, 'empty');
    writeFileSync(empty, '');
    for (const source of [join(dir.path, 'missing'), empty]) {
      const value = randomHex(16, source);
      expect(value).toMatch(/^[0-9a-f]{32}$/);
      expect(value).not.toBe('0'.repeat(32));
    }
  });
});
