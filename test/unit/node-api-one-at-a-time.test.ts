import { describe, expect, it } from 'vitest';
import { createOneAtATime } from '../../src/node-api/node-api-routes.js';

describe('createOneAtATime (reads of events older than the cached day)', () => {
  it('runs one task at a time, queues maxWaiting more, and answers null past that without running it', async () => {
    const gate = createOneAtATime(2);
    const order: string[] = [];
    const releases: Array<() => void> = [];
    const task = (name: string) => () => new Promise<string>((resolve) => {
      order.push(`start ${name}`);
      releases.push(() => resolve(name));
    });
    const results = [gate(task('a')), gate(task('b')), gate(task('c')), gate(task('d'))];
    await Promise.resolve();
    expect(await results[3]).toBeNull();
    expect(order).toEqual(['start a']);
    for (const name of ['a', 'b', 'c']) {
      await waitUntil(() => order.includes(`start ${name}`));
      releases.shift()?.();
    }
    expect(await Promise.all(results.slice(0, 3))).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['start a', 'start b', 'start c']);
    // The queue is free again.
    expect(await gate(async () => 'e')).toBe('e');
  });

  it('goes on after a task that fails', async () => {
    const gate = createOneAtATime(1);
    await expect(gate(async () => { throw new Error('gone'); })).rejects.toThrow('gone');
    expect(await gate(async () => 1)).toBe(1);
  });
});

async function waitUntil(isDone: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !isDone(); turn += 1) await Promise.resolve();
  expect(isDone()).toBe(true);
}
