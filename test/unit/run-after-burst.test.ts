import { describe, expect, it } from 'vitest';
import { runAfterBurst } from '../../src/run-after-burst.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runAfterBurst', () => {
  it('runs once for a burst of calls, after the turn that made them', async () => {
    let runs = 0;
    const soon = runAfterBurst(() => (runs += 1));
    soon();
    soon();
    soon();
    expect(runs).toBe(0);
    await nextTurn();
    expect(runs).toBe(1);
  });

  it('runs again for a call made during or after the run', async () => {
    let runs = 0;
    const soon = runAfterBurst(() => {
      runs += 1;
      if (runs === 1) soon();
    });
    soon();
    await nextTurn();
    await nextTurn();
    expect(runs).toBe(2);
    soon();
    await nextTurn();
    expect(runs).toBe(3);
  });
});
