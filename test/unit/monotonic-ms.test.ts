import { describe, expect, it } from 'vitest';
import { monotonicMs, startStopwatch } from '../../src/monotonic-ms.js';

describe('monotonicMs', () => {
  it('never goes back and measures a wait in milliseconds', async () => {
    const readings = Array.from({ length: 1000 }, () => monotonicMs());
    for (let i = 1; i < readings.length; i += 1) expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1] as number);
    const before = monotonicMs();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waitedMs = monotonicMs() - before;
    expect(waitedMs).toBeGreaterThanOrEqual(40);
    expect(waitedMs).toBeLessThan(60_000);
  });
});

describe('startStopwatch', () => {
  it('gives whole milliseconds since it started, growing with the wait', async () => {
    const elapsedMs = startStopwatch();
    const first = elapsedMs();
    expect(Number.isInteger(first)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = elapsedMs();
    expect(Number.isInteger(later)).toBe(true);
    expect(later).toBeGreaterThanOrEqual(Math.max(first, 25));
  });
});
