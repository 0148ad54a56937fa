import { describe, expect, it } from 'vitest';
import { judgeSkills, type SkillFacts } from '../../src/skills/skill-verdict.js';

const T0 = Date.parse('2026-11-21T00:00:00.000Z');
const at = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();
const HOUR = 3_600_000;

function fact(name: string, status: 'running' | 'success' | 'failure' | 'timeout', lastSuccessOffsetMs: number | null): SkillFacts {
  return {
    name,
    record: {
      status,
      startedAt: at(0),
      finishedAt: status === 'running' ? null : at(1_000),
      exitCode: status === 'success' ? 0 : null,
      message: null,
      host: 'node-1',
      lastSuccessAt: lastSuccessOffsetMs === null ? null : at(lastSuccessOffsetMs),
    },
    problem: null,
  };
}

describe('judgeSkills', () => {
  it.each<[string, SkillFacts[], Record<string, { maxAgeMs: number }>, number, string, string[]]>([
    ['a recent success', [fact('a', 'success', 0)], { a: { maxAgeMs: HOUR } }, HOUR - 1, 'ok', []],
    ['a success just too old', [fact('a', 'success', 0)], { a: { maxAgeMs: HOUR } }, HOUR, 'stale', ['skill-stale:a']],
    ['a failure', [fact('a', 'failure', 0)], { a: { maxAgeMs: HOUR } }, 10, 'failing', ['skill-failing:a']],
    ['a timeout', [fact('a', 'timeout', null)], {}, 10, 'failing', ['skill-failing:a']],
    ['a failure whose last success is also old', [fact('a', 'failure', 0)], { a: { maxAgeMs: HOUR } }, 2 * HOUR, 'failing', ['skill-stale:a', 'skill-failing:a']],
    ['a run in progress', [fact('a', 'running', 0)], { a: { maxAgeMs: HOUR } }, 10, 'running', []],
    ['a run in progress long after the last success', [fact('a', 'running', 0)], { a: { maxAgeMs: HOUR } }, 2 * HOUR, 'stale', ['skill-stale:a']],
    ['a skill without maxAgeMs, old', [fact('a', 'success', 0)], {}, 1_000 * HOUR, 'ok', []],
    ['a configured skill with no file, before maxAgeMs', [], { a: { maxAgeMs: HOUR } }, HOUR - 1, 'unknown', []],
    ['a configured skill with no file, after maxAgeMs', [], { a: { maxAgeMs: HOUR } }, HOUR, 'stale', ['skill-stale:a']],
    ['an unreadable file', [{ name: 'a', record: null, problem: 'not a skill record' }], {}, 10, 'unknown', []],
    // Issue 11: the config decides, not the maxAgeMs a file was written with (a last run from before the skill was configured).
    ['a success from before the skill was configured, older than maxAgeMs', [fact('a', 'success', -HOUR)], { a: { maxAgeMs: 5_000 } }, 0, 'stale', ['skill-stale:a']],
    ['a success from before the skill was configured, within maxAgeMs', [fact('a', 'success', -1_000)], { a: { maxAgeMs: 5_000 } }, 0, 'ok', []],
    ['a configured skill that never ran (a broken cron line), at the baseline plus maxAgeMs', [], { a: { maxAgeMs: 5_000 } }, 5_000, 'stale', ['skill-stale:a']],
    ['an unreadable file of a configured skill, after maxAgeMs from the baseline', [{ name: 'a', record: null, problem: 'not a skill record' }], { a: { maxAgeMs: 5_000 } }, 5_000, 'stale', ['skill-stale:a']],
  ])('%s', (_what, facts, config, nowOffsetMs, state, reasons) => {
    const verdict = judgeSkills(facts, config, T0 + nowOffsetMs, T0);
    expect(verdict.view.a?.state).toBe(state);
    expect(verdict.reasons).toEqual(reasons);
  });

  it('wakes up when the next skill goes stale, and not for ones already stale', () => {
    const verdict = judgeSkills([fact('a', 'success', 0), fact('b', 'success', 0), fact('c', 'success', 0)], { a: { maxAgeMs: 2 * HOUR }, b: { maxAgeMs: HOUR }, c: { maxAgeMs: 10 } }, T0 + 100, T0);
    expect(verdict.nextCheckAtMs).toBe(T0 + HOUR);
    expect(verdict.view.b?.staleAt).toBe(at(HOUR));
    expect(judgeSkills([fact('a', 'success', 0)], {}, T0, T0).nextCheckAtMs).toBeNull();
  });

  it('lists configured and recorded skills in name order, with the reasons for all of them', () => {
    const verdict = judgeSkills([fact('zeta', 'failure', null), fact('alpha', 'success', 0)], { mid: { maxAgeMs: 1 } }, T0 + 5, T0);
    expect(Object.keys(verdict.view)).toEqual(['alpha', 'mid', 'zeta']);
    expect(verdict.reasons).toEqual(['skill-stale:mid', 'skill-failing:zeta']);
    expect(verdict.view.mid).toMatchObject({ status: null, maxAgeMs: 1, lastSuccessAt: null });
  });
});
