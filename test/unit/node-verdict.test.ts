import { describe, expect, it } from 'vitest';
import { judgeNode, VERDICT_WORDS, type NodeFacts } from '../../src/skills/node-verdict.js';
import { exitCodeForMode } from '../../src/cli/status-exit-code.js';
import { MODES } from '../../src/supervisor/modes.js';

const T0 = Date.parse('2026-11-21T00:00:00.000Z');
const at = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();
const HOUR = 3_600_000;

function skillFile(name: string, status: string, lastSuccessOffsetMs: number | null, maxAgeMs: number | null = null) {
  const value = {
    name,
    status,
    startedAt: at(-2 * HOUR),
    finishedAt: at(-2 * HOUR),
    durationMs: 0,
    exitCode: status === 'success' ? 0 : 1,
    message: null,
    host: 'node-1',
    lastSuccessAt: lastSuccessOffsetMs === null ? null : at(lastSuccessOffsetMs),
    maxAgeMs,
  };
  return { name, path: `/s/skills/${name}.json`, value };
}

/** status.json as a daemon that started at T0 - 1 h with these skills configured writes it. */
function statusJson(mode: string, reasons: string[], configured: Record<string, number | null>): Record<string, unknown> {
  const skills = Object.fromEntries(Object.entries(configured).map(([name, maxAgeMs]) => [name, { state: 'ok', maxAgeMs, lastSuccessAt: null, message: null }]));
  return { mode, reasons, daemon: { pid: 1, host: 'node-1', startedAt: at(-HOUR) }, skills };
}

const facts = (overrides: Partial<NodeFacts>): NodeFacts => ({ status: null, isDaemonAlive: false, skillFiles: [], nowMs: T0, ...overrides });

describe('judgeNode with clawsupd alive: the daemon verdict, as clawctl status gives it', () => {
  it.each<[string, Record<string, unknown>, number, string]>([
    ['healthy', statusJson('healthy', [], {}), 0, 'OK: all good'],
    ['degraded by two skills', statusJson('degraded', ['skill-stale:daily-memory', 'skill-stale:never-ran'], {}), 1, 'WARNING: degraded: skill-stale:daily-memory, skill-stale:never-ran'],
    ['degraded by Slack', statusJson('degraded', ['slack-flapping'], {}), 1, 'WARNING: degraded: slack-flapping'],
    ['backoff', statusJson('backoff', [], {}), 1, 'WARNING: backoff'],
    ['diagnose', statusJson('diagnose', ['module-not-found'], {}), 2, 'CRITICAL: diagnose: module-not-found'],
    ['a mode this version does not know', statusJson('hibernating', [], {}), 3, 'UNKNOWN: hibernating'],
    ['a mode of another type', { mode: 7, reasons: 'x' }, 3, 'UNKNOWN: 7'],
  ])('%s', (_what, status, exitCode, line) => {
    const verdict = judgeNode(facts({ status, isDaemonAlive: true }));
    expect(verdict.exitCode).toBe(exitCode);
    expect(`${VERDICT_WORDS[verdict.exitCode]}: ${verdict.summary}`).toBe(line);
  });

  it.each(MODES)('mode %s: the exit code of clawctl status', (mode) => {
    expect(judgeNode(facts({ status: statusJson(mode, [], {}), isDaemonAlive: true })).exitCode).toBe(exitCodeForMode(mode));
  });

  it('never second-guesses the daemon from the files: a stale-looking file the daemon calls healthy stays OK', () => {
    const verdict = judgeNode(facts({ status: statusJson('healthy', [], { a: null }), isDaemonAlive: true, skillFiles: [skillFile('a', 'failure', null, 1)] }));
    expect(verdict).toMatchObject({ exitCode: 0, reasons: [], skills: [{ name: 'a', state: 'ok' }] });
  });
});

describe('judgeNode with no clawsupd running: judgeSkills on the files, with the config the daemon last ran', () => {
  it.each<[string, Partial<NodeFacts>, number, string, string[]]>([
    // Issue 11: the file says maxAgeMs null (written before the skill was configured); status.json has the config.
    ['a run from before the config, and a configured skill that never ran', {
      status: statusJson('stopped', [], { 'daily-memory': 5_000, 'never-ran': 1_000 }),
      skillFiles: [skillFile('daily-memory', 'success', -HOUR)],
    }, 2, 'CRITICAL: everything down', ['skill-stale:daily-memory', 'skill-stale:never-ran']],
    ['a configured skill that never ran, within maxAgeMs of the daemon start', {
      status: statusJson('stopped', [], { 'never-ran': 2 * HOUR, memory: HOUR }),
      skillFiles: [skillFile('memory', 'success', -1_000)],
    }, 1, 'WARNING: gateway down but skills running (degraded)', []],
    ['status.json no longer configures it: the maxAgeMs in the file is not used', {
      status: statusJson('stopped', [], { memory: null }),
      skillFiles: [skillFile('memory', 'success', -2 * HOUR, HOUR)],
    }, 1, 'WARNING: gateway down but skills running (degraded)', []],
    ['no status.json: the maxAgeMs clawctl wrote into the file', {
      skillFiles: [skillFile('memory', 'success', -2 * HOUR, HOUR)],
    }, 2, 'CRITICAL: everything down', ['skill-stale:memory']],
    ['no status.json, a recent success', { skillFiles: [skillFile('memory', 'success', -1_000, HOUR)] }, 1, 'WARNING: gateway down but skills running (degraded)', []],
    ['a failing skill', { skillFiles: [skillFile('memory', 'failure', null, HOUR)] }, 2, 'CRITICAL: everything down', ['skill-failing:memory']],
    ['a running skill', { skillFiles: [skillFile('memory', 'running', null, HOUR)] }, 1, 'WARNING: gateway down but skills running (degraded)', []],
    ['no skills at all', {}, 2, 'CRITICAL: everything down', []],
    ['a file that is not a skill record, as the daemon reads it', { skillFiles: [{ name: 'm', path: '/s/skills/m.json', value: { status: { toString: 1 } } }] }, 2, 'CRITICAL: everything down', []],
    ['status.json from a daemon that is not running, whatever it said', {
      status: statusJson('healthy', [], { memory: HOUR }),
      skillFiles: [skillFile('memory', 'success', -2 * HOUR)],
    }, 2, 'CRITICAL: everything down', ['skill-stale:memory']],
  ])('%s', (_what, overrides, exitCode, line, reasons) => {
    const verdict = judgeNode(facts(overrides));
    expect(`${VERDICT_WORDS[verdict.exitCode]}: ${verdict.summary}`).toBe(line);
    expect(verdict.exitCode).toBe(exitCode);
    expect(verdict.reasons).toEqual(reasons);
  });

  it('shows the problem of a damaged file, as the daemon would', () => {
    const verdict = judgeNode(facts({ skillFiles: [{ name: 'm', path: '/s/skills/m.json', value: { name: 'other' } }] }));
    expect(verdict.skills).toEqual([{ name: 'm', state: 'unknown', lastSuccessAt: null, message: expect.stringMatching(/^\/s\/skills\/m\.json: not a skill record: /) }]);
  });

  it('takes no skill name from status.json that the daemon could not have written, and no __proto__', () => {
    const status = { mode: 'stopped', reasons: [], skills: JSON.parse('{"__proto__": {"maxAgeMs": 1}, "../x": {"maxAgeMs": 1}}') };
    const verdict = judgeNode(facts({ status }));
    expect(verdict.reasons).toEqual([]);
    expect(verdict.skills).toEqual([]);
  });
});
