import type { SupervisorEvent, SupervisorState } from '../supervisor/supervisor-state.js';
import type { SkillRecord } from '../skills/skill-record.js';
import type { StatusSnapshot } from '../status/status-schema.js';
import type { ControlAnswer } from './control-server.js';
import type { ControlRequest } from './parse-request.js';
import { buildError, buildResult, type ControlErrorCode } from './protocol.js';
import type { SubscribeRequest } from './subscriptions.js';

export type GatewayConfigRequest = Extract<ControlRequest, { method: 'gateway-config-apply' | 'gateway-config-rollback' | 'gateway-config-history' | 'gateway-config-diff' }>;
export type GatewayConfigAnswer = { ok: true; result: unknown } | { ok: false; code: ControlErrorCode; message: string };

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
  /** The gateway-config gate (src/gateway-config/): apply, rollback, history, diff. */
  gatewayConfig?(request: GatewayConfigRequest): Promise<GatewayConfigAnswer>;
  /** One capability audit by the daemon's audit part (src/audit/), written and published; rejects when it cannot run. */
  runAudit?(params: { saveBaseline: boolean }): Promise<unknown>;
  /** Hands the cron lease over; null when cron.leader is off on this node. */
  stepDownCron?(): Promise<{ wasLeader: boolean; term: number | null }> | null;
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
    case 'gateway-config-apply':
    case 'gateway-config-rollback':
    case 'gateway-config-history':
    case 'gateway-config-diff': {
      if (state.intent === 'shutdown' && request.method !== 'gateway-config-history') return buildError(id, 'shutting-down', 'clawsupd is shutting down');
      if (deps.gatewayConfig === undefined) return buildError(id, 'gateway-config-unavailable', 'this clawsupd has no gateway-config gate');
      const answer = await deps.gatewayConfig(request);
      return answer.ok ? buildResult(id, answer.result) : buildError(id, answer.code, answer.message);
    }
    case 'audit-run':
      if (state.intent === 'shutdown') return buildError(id, 'shutting-down', 'clawsupd is shutting down');
      if (deps.runAudit === undefined) return buildError(id, 'audit-unavailable', 'this clawsupd has no audit part');
      try {
        return buildResult(id, await deps.runAudit(request.params));
      } catch (error) {
        return buildError(id, 'audit-unavailable', (error as Error).message);
      }
    case 'cron-step-down': {
      const stepDown = deps.stepDownCron?.() ?? null;
      if (stepDown === null) return buildError(id, 'cron-leader-off', 'cron.leader is not enabled on this node: there is no lease to hand over');
      return buildResult(id, await stepDown);
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
