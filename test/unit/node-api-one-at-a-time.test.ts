import { describe, expect, it } from 'vitest';
import { createOneAtATime } from '../../src/node-api/node-api-routes.js';
import { createOnePerTurn } from '../../src/node-api/one-per-turn.js';

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

describe('createOnePerTurn (every API answer in a turn of the loop of its own)', () => {
  it('lets a timer run between two answers, however many wait', async () => {
    const inTurn = createOnePerTurn(100);
    const order: string[] = [];
    // Each answer costs 2 ms of the loop, as building a day of events does (more, in truth).
    const answer = (i: number) => () => {
      const untilMs = performance.now() + 2;
      while (performance.now() < untilMs);
      order.push(`answer ${i}`);
    };
    const answers = Array.from({ length: 20 }, (_, i) => inTurn(answer(i)));
    setTimeout(() => order.push('timer'), 0);
    await Promise.all(answers);
    const timerAt = order.indexOf('timer');
    expect(timerAt).toBeGreaterThan(-1);
    expect(timerAt).toBeLessThan(5);
    expect(order.filter((entry) => entry !== 'timer')).toEqual(Array.from({ length: 20 }, (_, i) => `answer ${i}`));
  });

  it('answers null past maxWaiting without running the task, and passes a throw on', async () => {
    const inTurn = createOnePerTurn(2);
    let ran = 0;
    const results = [inTurn(() => (ran += 1)), inTurn(() => (ran += 1)), inTurn(() => (ran += 1))];
    expect(await results[2]).toBeNull();
    expect(await Promise.all(results.slice(0, 2))).toEqual([1, 2]);
    expect(ran).toBe(2);
    await expect(inTurn(() => { throw new Error('gone'); })).rejects.toThrow('gone');
    expect(await inTurn(() => 'on')).toBe('on');
  });
});

async function waitUntil(isDone: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !isDone(); turn += 1) await Promise.resolve();
  expect(isDone()).toBe(true);
}
