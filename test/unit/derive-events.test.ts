import { describe, expect, it } from 'vitest';
import { deriveSectionEvents, deriveStateEvents, type SectionsSeen, type SectionsView } from '../../src/events/derive-events.js';
import type { Diagnosis, ExitRecord } from '../../src/supervisor/modes.js';
import { createInitialState, type SupervisorState } from '../../src/supervisor/supervisor-state.js';

const base = createInitialState(0);
const exit: ExitRecord = { code: 1, signal: null, uptimeMs: 300, class: 'transient', reason: 'crash', evidence: ['boom'], at: '2026-12-01T00:00:01.000Z' };
const diagnosis: Diagnosis = {
  reason: 'crash', class: 'transient', trigger: 'failure-limit', failuresInWindow: 3, since: '2026-12-01T00:00:01.000Z', evidence: [], hint: 'fix it', lastExit: exit,
};

function with_(patch: Partial<SupervisorState>, gateway: Partial<SupervisorState['gateway']> = {}): SupervisorState {
  return { ...base, ...patch, gateway: { ...base.gateway, ...gateway } };
}

const running = with_({ mode: 'healthy' }, { pid: 10 });
const exited = with_({ mode: 'backoff', reasons: ['crash'] }, { pid: null, lastExit: exit });
const respawned = with_({ mode: 'starting' }, { pid: 11, restarts: 1, lastExit: exit });

describe('deriveStateEvents', () => {
  it.each([
    ['nothing changed', running, running, []],
    ['the first spawn', with_({ mode: 'starting' }), with_({ mode: 'healthy' }, { pid: 10 }), [
      { type: 'mode-changed', fields: { from: 'starting', to: 'healthy', reasons: [] } },
      { type: 'gateway-started', fields: { pid: 10, restarts: 0 } },
    ]],
    ['an exit into backoff: the exit comes before the mode change', running, exited, [
      { type: 'gateway-exited', fields: { pid: 10, code: 1, signal: null, class: 'transient', reason: 'crash', uptimeMs: 300 } },
      { type: 'mode-changed', fields: { from: 'healthy', to: 'backoff', reasons: ['crash'] } },
    ]],
    ['a restart after the backoff', exited, respawned, [
      { type: 'mode-changed', fields: { from: 'backoff', to: 'starting', reasons: [] } },
      { type: 'gateway-restarted', fields: { pid: 11, restarts: 1 } },
    ]],
    ['an exit into diagnose', running, with_({ mode: 'diagnose', reasons: ['crash'], diagnosis }, { lastExit: exit }), [
      { type: 'gateway-exited', fields: { pid: 10, code: 1, signal: null, class: 'transient', reason: 'crash', uptimeMs: 300 } },
      { type: 'mode-changed', fields: { from: 'healthy', to: 'diagnose', reasons: ['crash'] } },
      { type: 'diagnose-entered', fields: { reason: 'crash', class: 'transient', trigger: 'failure-limit', hint: 'fix it', failuresInWindow: 3 } },
    ]],
    ['the diagnosis recorded again (command and config check added) is not a second entry',
      with_({ mode: 'diagnose', diagnosis }), with_({ mode: 'diagnose', diagnosis: { ...diagnosis, configCheck: { ok: true, errors: [] } } }), []],
    ['diagnose left by resume', with_({ mode: 'diagnose', diagnosis }), with_({ mode: 'starting' }, { pid: 12 }), [
      { type: 'diagnose-left', fields: { to: 'starting' } },
      { type: 'mode-changed', fields: { from: 'diagnose', to: 'starting', reasons: [] } },
      { type: 'gateway-started', fields: { pid: 12, restarts: 0 } },
    ]],
    ['held by the operator', running, with_({ mode: 'held', reasons: ['held-by-operator'] }, { pid: 10 }), [
      { type: 'mode-changed', fields: { from: 'healthy', to: 'held', reasons: ['held-by-operator'] } },
      { type: 'held', fields: { from: 'healthy' } },
    ]],
    ['released', with_({ mode: 'held' }), with_({ mode: 'starting' }), [
      { type: 'released', fields: { to: 'starting' } },
      { type: 'mode-changed', fields: { from: 'held', to: 'starting', reasons: [] } },
    ]],
  ])('%s', (_name, previous, state, expected) => {
    expect(deriveStateEvents(previous, state)).toEqual(expected);
  });
});

const slack = (state: string, detail: string | null = null) => ({ ok: true, state, latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail });
const probe = { ok: true, state: 'live', latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail: null };
const probes = (slackState: string, detail: string | null = null) => ({ health: probe, startup: { ...probe, state: 'started' }, ready: { ...probe, state: 'ready' }, slack: slack(slackState, detail) }) as SectionsView['probes'];
const skill = (state: string, finishedAt: string | null, status: string | null = 'ok', exitCode: number | null = 0) => ({
  state, status, startedAt: null, finishedAt, lastSuccessAt: null, maxAgeMs: null, staleAt: null, exitCode, message: null, host: null,
}) as NonNullable<SectionsView['skills']>[string];

describe('deriveSectionEvents', () => {
  const seen = (slackState: string | null, skills: SectionsSeen['skills'] = {}): SectionsSeen => ({ slack: slackState, skills });
  it.each<[string, SectionsSeen | null, SectionsView, unknown[]]>([
    ['the first look only learns', null, { probes: probes('disconnected'), skills: { backup: skill('failing', 't1', 'failed', 1) } }, []],
    ['Slack connects', seen('pending'), { probes: probes('connected') }, [{ type: 'slack-changed', fields: { from: 'pending', to: 'connected', detail: null } }]],
    ['Slack unchanged', seen('connected'), { probes: probes('connected') }, []],
    ['the probes section appears: its first state is not a change', seen(null), { probes: probes('pending') }, []],
    ['a skill run finishes', seen(null, { backup: { state: 'running', finishedAt: null } }), { skills: { backup: skill('failing', 't2', 'failed', 3) } }, [
      { type: 'skill-finished', fields: { skill: 'backup', status: 'failed', exitCode: 3, message: null, finishedAt: 't2' } },
      { type: 'skill-state-changed', fields: { skill: 'backup', from: 'running', to: 'failing' } },
    ]],
    ['a skill goes stale without a run', seen(null, { backup: { state: 'ok', finishedAt: 't1' } }), { skills: { backup: skill('stale', 't1') } }, [
      { type: 'skill-state-changed', fields: { skill: 'backup', from: 'ok', to: 'stale' } },
    ]],
    ['a skill that ran ok again', seen(null, { backup: { state: 'ok', finishedAt: 't1' } }), { skills: { backup: skill('ok', 't2') } }, [
      { type: 'skill-finished', fields: { skill: 'backup', status: 'ok', exitCode: 0, message: null, finishedAt: 't2' } },
    ]],
    ['a new skill that has finished a run', seen(null), { skills: { report: skill('ok', 't3') } }, [
      { type: 'skill-finished', fields: { skill: 'report', status: 'ok', exitCode: 0, message: null, finishedAt: 't3' } },
    ]],
  ])('%s', (_name, before, status, expected) => {
    expect(deriveSectionEvents(before, status).events).toEqual(expected);
  });

  it('remembers what it saw, so the next look reports only newer changes', () => {
    const first = deriveSectionEvents(null, { probes: probes('pending') });
    const second = deriveSectionEvents(first.seen, { probes: probes('connected') });
    expect(second.events).toHaveLength(1);
    expect(deriveSectionEvents(second.seen, { probes: probes('connected') }).events).toEqual([]);
  });
});
