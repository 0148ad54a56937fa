import { posix as nodePosix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirnamePosix, joinPosix } from '../../src/install/posix-path.js';
import { createRandom } from '../helpers/seeded-random.js';

// Pieces that reach every branch: empty, `.`, `..`, names that only look like dots, doubled and trailing slashes.
const PIECES = ['', '.', '..', '...', '.a', 'a.', 'a', 'bc', '/', '//', 'a/', '/a', './', '../', 'a/..', ' '];

function randomPath(random: () => number): string {
  const count = Math.floor(random() * 6);
  let path = '';
  for (let i = 0; i < count; i += 1) path += PIECES[Math.floor(random() * PIECES.length)] ?? '';
  return path;
}

describe('posix join and dirname, as node:path gives them', () => {
  it.each([
    [['/home/u', '.config/systemd/user']],
    [['/home/u/', '.clawsup/status']],
    [['/home/u', '../v', './w/']],
    [['/', '..', 'a']],
    [['a', '..', '..', 'b']],
    [['', '']],
    [[]],
    [['//a//b//']],
    [['.', '.']],
  ])('join(%j)', (parts) => {
    expect(joinPosix(...parts)).toBe(nodePosix.join(...parts));
  });

  it.each(['/etc/clawsup/clawsup.json5', '/a/b/', '/a', '/', '//', '//a', '///a', 'a', 'a/b', 'a//b', '', '.', '..', '/a//'])('dirname(%j)', (path) => {
    expect(dirnamePosix(path)).toBe(nodePosix.dirname(path));
  });

  it('agrees with node on random paths (seeded: CLAWSUP_FUZZ_SEED replays a run)', () => {
    const seed = Number(process.env.CLAWSUP_FUZZ_SEED ?? 20_261_201);
    const random = createRandom(seed);
    for (let run = 0; run < 5_000; run += 1) {
      const parts = Array.from({ length: Math.floor(random() * 4) }, () => randomPath(random));
      expect(joinPosix(...parts), `seed ${seed}, join(${JSON.stringify(parts)})`).toBe(nodePosix.join(...parts));
      const path = parts.join('');
      expect(dirnamePosix(path), `seed ${seed}, dirname(${JSON.stringify(path)})`).toBe(nodePosix.dirname(path));
    }
  });
});
