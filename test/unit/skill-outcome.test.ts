import { describe, expect, it } from 'vitest';
import { describeSkillEnd, type SkillCommandEnd } from '../../src/skills/skill-outcome.js';

const base: SkillCommandEnd = { command: 'backup', exitCode: 0, signal: null, signalNumber: null, isTimedOut: false, timeoutMs: null, spawnErrorCode: null };

describe('describeSkillEnd', () => {
  it.each<[string, Partial<SkillCommandEnd>, string, number, RegExp | null]>([
    ['exit 0', {}, 'success', 0, null],
    ['exit 3', { exitCode: 3 }, 'failure', 3, /exited with code 3/],
    ['killed by SIGKILL', { exitCode: null, signal: 'SIGKILL', signalNumber: 9 }, 'failure', 137, /SIGKILL/],
    ['timed out', { exitCode: null, signal: 'SIGTERM', signalNumber: 15, isTimedOut: true, timeoutMs: 500 }, 'timeout', 124, /timed out after 500 ms/],
    ['not found', { exitCode: null, spawnErrorCode: 'ENOENT' }, 'failure', 127, /command not found: backup/],
    ['not executable', { exitCode: null, spawnErrorCode: 'EACCES' }, 'failure', 126, /EACCES/],
  ])('%s', (_what, facts, status, exitCode, message) => {
    const outcome = describeSkillEnd({ ...base, ...facts });
    expect(outcome.status).toBe(status);
    expect(outcome.exitCode).toBe(exitCode);
    if (message) expect(outcome.message).toMatch(message);
    else expect(outcome.message).toBeNull();
  });
});
