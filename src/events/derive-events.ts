import type { StatusSnapshot } from '../status/status-schema.js';
import type { SupervisorState } from '../supervisor/supervisor-state.js';
import type { EventFields } from './journal-event.js';

/** An event before the journal numbers and dates it. */
export interface DerivedEvent {
  type: string;
  fields: EventFields;
}

/**
 * The journal's events for one step of the supervisor, in the order they happened: the exit, then the modes left,
 * the mode change, the modes entered, then the spawn that followed.
 */
export function deriveStateEvents(previous: SupervisorState, state: SupervisorState): DerivedEvent[] {
  const events: DerivedEvent[] = [];
  const exit = state.gateway.lastExit;
  if (exit !== null && exit !== previous.gateway.lastExit) {
    events.push({
      type: 'gateway-exited',
      fields: { pid: previous.gateway.pid, code: exit.code, signal: exit.signal, class: exit.class, reason: exit.reason, uptimeMs: exit.uptimeMs },
    });
  }
  if (state.mode !== previous.mode) {
    if (previous.mode === 'diagnose') events.push({ type: 'diagnose-left', fields: { to: state.mode } });
    if (previous.mode === 'held') events.push({ type: 'released', fields: { to: state.mode } });
    events.push({ type: 'mode-changed', fields: { from: previous.mode, to: state.mode, reasons: state.reasons } });
    if (state.mode === 'diagnose') events.push({ type: 'diagnose-entered', fields: describeDiagnosis(state) });
    if (state.mode === 'held') events.push({ type: 'held', fields: { from: previous.mode } });
  }
  const pid = state.gateway.pid;
  if (pid !== null && pid !== previous.gateway.pid) {
    const isRestart = state.gateway.restarts > previous.gateway.restarts;
    events.push({ type: isRestart ? 'gateway-restarted' : 'gateway-started', fields: { pid, restarts: state.gateway.restarts } });
  }
  return events;
}

function describeDiagnosis(state: SupervisorState): EventFields {
  const diagnosis = state.diagnosis;
  if (diagnosis === null) return { reason: state.reasons[0] ?? null, trigger: null, hint: null };
  return { reason: diagnosis.reason, class: diagnosis.class, trigger: diagnosis.trigger, hint: diagnosis.hint, failuresInWindow: diagnosis.failuresInWindow };
}

/** What the sections looked like at the last look: the Slack probe's state and each skill's state and last finish. */
export interface SectionsSeen {
  slack: string | null;
  skills: Readonly<Record<string, { state: string; finishedAt: string | null }>>;
}

export type SectionsView = Pick<StatusSnapshot, 'probes' | 'skills'>;

/**
 * Slack state changes and skill outcomes between two looks at status.json's sections. The first look only learns
 * what is there (`seen` null): what was already so when clawsupd started is not news.
 */
export function deriveSectionEvents(seen: SectionsSeen | null, status: SectionsView): { events: DerivedEvent[]; seen: SectionsSeen } {
  const next: SectionsSeen = {
    slack: status.probes?.slack.state ?? null,
    skills: Object.fromEntries(Object.entries(status.skills ?? {}).map(([name, skill]) => [name, { state: skill.state, finishedAt: skill.finishedAt }])),
  };
  if (seen === null) return { events: [], seen: next };
  const events: DerivedEvent[] = [];
  const slack = status.probes?.slack;
  if (slack !== undefined && next.slack !== seen.slack && seen.slack !== null) {
    events.push({ type: 'slack-changed', fields: { from: seen.slack, to: slack.state, detail: slack.detail } });
  }
  for (const [name, skill] of Object.entries(status.skills ?? {})) {
    const before = seen.skills[name];
    if (skill.finishedAt !== null && skill.finishedAt !== before?.finishedAt) {
      events.push({ type: 'skill-finished', fields: { skill: name, status: skill.status, exitCode: skill.exitCode, message: skill.message, finishedAt: skill.finishedAt } });
    }
    if (before !== undefined && skill.state !== before.state) events.push({ type: 'skill-state-changed', fields: { skill: name, from: before.state, to: skill.state } });
  }
  return { events, seen: next };
}
