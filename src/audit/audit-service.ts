import type { Logger } from '../daemon/logger.js';
import type { Supervisor } from '../daemon/supervisor.js';
import type { EventSink } from '../events/event-sink.js';
import type { Mode } from '../supervisor/modes.js';
import { auditNow, type AuditOutcome } from './audit-now.js';
import { lostReasons, summariseAudit } from './audit-summary.js';
import type { AuditSnapshot } from './capability.js';
import { createChannelStatusSource } from './channel-status-source.js';

const UP_MODES: readonly Mode[] = ['healthy', 'degraded'];

export interface AuditRunRequest {
  saveBaseline: boolean;
  /** Who asked: the part's schedule or an operator through the control socket (logged and journaled). */
  trigger: 'schedule' | 'operator';
}

/**
 * The daemon's one audit runner, shared by the audit part (its schedule), the control socket (`audit-run`) and the
 * gateway-config gate (its before and after audits).
 */
export interface AuditService {
  /**
   * An audit written to status.dir/audit and published (status.json's `audit` section, `capability-lost:<id>`).
   * One at a time: a request while one runs gets that one's outcome, or, to save a baseline, the next one's.
   * Throws when the audit could not run (no OpenClaw config, or one that cannot be read).
   */
  run(request: AuditRunRequest): Promise<AuditOutcome>;
  /** An audit for the gate: nothing written or published, `lost` left empty (the gate compares with its own before). */
  check(): Promise<AuditSnapshot>;
  /** After each published audit, whatever asked for it: the part moves its schedule on. */
  onFinished(listener: (snapshot: AuditSnapshot) => void): void;
}

interface ServiceContext {
  log: Logger;
  events: EventSink;
  env: NodeJS.ProcessEnv;
}

const services = new WeakMap<Supervisor, AuditService>();

export function auditServiceFor(supervisor: Supervisor, context: ServiceContext): AuditService {
  let service = services.get(supervisor);
  if (service === undefined) {
    service = createAuditService(supervisor, context);
    services.set(supervisor, service);
  }
  return service;
}

function createAuditService(supervisor: Supervisor, context: ServiceContext): AuditService {
  const log = context.log.child({ component: 'audit' });
  const listeners: Array<(snapshot: AuditSnapshot) => void> = [];
  let running: Promise<AuditOutcome> | null = null;
  let lastLost = '';

  const audit = (saveBaseline: boolean, isRecorded: boolean): Promise<AuditOutcome> => {
    const config = supervisor.getConfig();
    const state = supervisor.getState();
    const isGatewayHealthy = UP_MODES.includes(state.mode) && state.gateway.pid !== null;
    const channels = createChannelStatusSource(config, context.env, () => supervisor.getState().gateway.pid);
    return auditNow({ config, env: context.env, isGatewayHealthy, ...channels, saveBaseline, isRecorded });
  };

  const publish = (outcome: AuditOutcome, trigger: AuditRunRequest['trigger']): void => {
    const { snapshot, baseline } = outcome;
    const section = summariseAudit(snapshot, baseline);
    supervisor.setStatusSection('audit', section);
    supervisor.setDegradation('audit', lostReasons(snapshot.lost));
    context.events.append('audit-finished', { ...section.counts, lost: snapshot.lost.join(','), durationMs: snapshot.durationMs, trigger });
    const lost = snapshot.lost.join(',');
    if (lost !== lastLost) log[snapshot.lost.length > 0 ? 'warn' : 'info']({ lost: snapshot.lost, counts: section.counts, trigger }, 'capabilities lost changed');
    else log.info({ counts: section.counts, durationMs: snapshot.durationMs, trigger }, 'audit finished');
    lastLost = lost;
    for (const listener of listeners) listener(snapshot);
  };

  const runOne = (request: AuditRunRequest): Promise<AuditOutcome> => {
    const run = audit(request.saveBaseline, true).then((outcome) => {
      publish(outcome, request.trigger);
      return outcome;
    });
    running = run;
    const clear = (): void => {
      if (running === run) running = null;
    };
    run.then(clear, clear);
    return run;
  };

  return {
    async run(request) {
      if (running !== null && !request.saveBaseline) return running;
      // The running audit cannot become the baseline after the fact: wait for it, then run the one asked for.
      while (running !== null) await running.catch(() => undefined);
      return runOne(request);
    },
    async check() {
      return (await audit(false, false)).snapshot;
    },
    onFinished(listener) {
      listeners.push(listener);
    },
  };
}
