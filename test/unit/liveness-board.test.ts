import { describe, expect, it } from 'vitest';
import { createLivenessBoard } from '../../src/daemon/liveness-board.js';

describe('createLivenessBoard', () => {
  it('names a component silent for longer than it promised, until it beats again', () => {
    const board = createLivenessBoard();
    const probe = board.register('probe', 5_000, 0);
    board.register('skills', 60_000, 0);
    expect(board.findStalled(5_000)).toEqual([]);
    expect(board.findStalled(5_001)).toEqual(['probe']);
    probe.beat(6_000);
    expect(board.findStalled(10_000)).toEqual([]);
    probe.unregister();
    expect(board.findStalled(60_000)).toEqual([]);
    expect(board.findStalled(60_001)).toEqual(['skills']);
  });

  it('reads a limit given as a function at each check, so a reload can lengthen it', () => {
    const board = createLivenessBoard();
    let limitMs = 1_000;
    board.register('probes', () => limitMs, 0);
    expect(board.findStalled(2_000)).toEqual(['probes']);
    limitMs = 10_000;
    expect(board.findStalled(2_000)).toEqual([]);
  });
});
