import type { SupervisorEvent, SupervisorState } from '../supervisor/supervisor-state.js';
import type { SkillRecord } from '../skills/skill-record.js';
import type { StatusSnapshot } from '../status/status-schema.js';
import type { ControlAnswer } from './control-server.js';
import type { ControlRequest } from './parse-request.js';
import { buildError, buildResult } from './protocol.js';
import type { SubscribeRequest } from './subscriptions.js';

/** What the methods need from the daemon; the socket adapter and the tests supply it. */
export interface ControlDeps {
  getStatus(): StatusSnapshot;
  getState(): SupervisorState;
  dispatch(event: SupervisorEvent): void;
  getOutputLines(count: number): string[];
  nowMs(): number;
  /** diagnosis.json, the last diagnosis written, or null. */
  readLastDiagnosis(): Promise<unknown>;
  checkConfig(): { ok: boolean; configPath: string; errors: string[] };
  writeSkillRecord(record: SkillRecord): void;
  /** Removes the skill's file; says whether there was one. */
  forgetSkill(name: string): { wasRecorded: boolean };
  /** Whether the config names this skill (it stays listed, as never run, once forgotten). */
  isConfiguredSkill(name: string): boolean;
  subscribe(request: SubscribeRequest): ControlAnswer;
}

/** Carries out one checked request and builds its reply; never throws for anything a client sends. */
export async function handleRequest(request: ControlRequest, deps: ControlDeps): Promise<ControlAnswer> {
  const { id } = request;
  const state = deps.getState();
  switch (request.method) {
    case 'status':
      return buildResult(id, deps.getStatus());
    case 'logs':
      return buildResult(id, { lines: deps.getOutputLines(request.params.n) });
    case 'config-check':
      return buildResult(id, deps.checkConfig());
    case 'diagnose': {
      const current = deps.getStatus().diagnosis;
      if (current !== null) return buildResult(id, { isCurrent: true, diagnosis: current });
      return buildResult(id, { isCurrent: false, diagnosis: await deps.readLastDiagnosis() });
    }
    case 'skill-report':
      try {
        deps.writeSkillRecord(request.params.record);
        return buildResult(id, { name: request.params.record.name, status: request.params.record.status });
      } catch (error) {
        return buildError(id, 'skill-write-failed', (error as Error).message);
      }
    case 'skill-forget': {
      const { name } = request.params;
      try {
        const { wasRecorded } = deps.forgetSkill(name);
        return buildResult(id, { name, wasRecorded, isConfigured: deps.isConfiguredSkill(name) });
      } catch (error) {
        return buildError(id, 'skill-write-failed', (error as Error).message);
      }
    }
    case 'subscribe':
      if (state.intent === 'shutdown') return buildError(id, 'shutting-down', 'clawsupd is shutting down');
      return deps.subscribe({ id, topics: request.params.topics, n: request.params.n });
    case 'restart':
    case 'stop':
      if (state.intent === 'shutdown') return buildError(id, 'shutting-down', 'clawsupd is shutting down');
      deps.dispatch({ type: request.method === 'restart' ? 'restart-requested' : 'hold-requested', atMs: deps.nowMs() });
      return buildResult(id, deps.getStatus());
    case 'resume':
      if (state.mode !== 'diagnose') {
        return buildError(id, 'not-in-diagnose', `nothing to resume: the gateway is not in diagnose mode (mode ${state.mode}); use restart to restart it`);
      }
      deps.dispatch({ type: 'resume-requested', atMs: deps.nowMs() });
      return buildResult(id, deps.getStatus());
    case 'start':
      if (state.mode !== 'held') {
        const why = state.intent === 'hold' ? 'it is still stopping for a hold; try again in a moment' : `mode ${state.mode}`;
        return buildError(id, 'not-held', `nothing to start: the gateway is not held by stop (${why})`);
      }
      deps.dispatch({ type: 'release-requested', atMs: deps.nowMs() });
      return buildResult(id, deps.getStatus());
  }
}
