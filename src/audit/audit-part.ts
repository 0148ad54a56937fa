import type { DaemonPart } from '../daemon/daemon-part.js';
import { describeError } from '../describe-error.js';
import { readOpenclawConfig } from '../gateway/openclaw-config.js';
import type { Mode } from '../supervisor/modes.js';
import { decideNextAuditAtMs, type AuditClock } from './audit-schedule.js';
import { auditServiceFor } from './audit-service.js';

const UP_MODES: readonly Mode[] = ['healthy', 'degraded'];

/**
 * Audits the gateway's claimed capabilities once it has settled after start-up and after each restart, then every
 * `audit.intervalMs`; a capability the baseline had and the latest audit lacks degrades the node
 * (`capability-lost:<id>`).
 */
export const auditPart: DaemonPart = {
  name: 'audit',
  attach({ supervisor, log, env, events, onConfigReloaded }) {
    const auditLog = log.child({ component: 'audit' });
    const clock: AuditClock = { upSinceMs: null, gatewayPid: null, lastAuditAtMs: null, auditedPid: null };
    let timer: NodeJS.Timeout | undefined;
    let isRunning = false;
    let isDetached = false;

    const arm = (): void => {
      clearTimeout(timer);
      if (isDetached || isRunning) return;
      const config = supervisor.getConfig();
      const dueAtMs = decideNextAuditAtMs(clock, { intervalMs: config.audit.intervalMs, settleMs: config.audit.settleMs });
      if (dueAtMs === null) return;
      timer = setTimeout(() => void audit(), Math.max(0, dueAtMs - Date.now()));
      timer.unref();
    };

    const service = auditServiceFor(supervisor, { log, events, env });
    // Any published audit (an operator's `clawctl audit` too) moves the schedule on.
    service.onFinished(() => {
      clock.lastAuditAtMs = Date.now();
      clock.auditedPid = supervisor.getState().gateway.pid;
      if (!isRunning) arm();
    });

    const audit = async (): Promise<void> => {
      isRunning = true;
      const config = supervisor.getConfig();
      const pid = clock.gatewayPid;
      try {
        if (readOpenclawConfig(config, env) === null) {
          auditLog.debug('no OpenClaw config: nothing to audit');
          return;
        }
        await service.run({ saveBaseline: false, trigger: 'schedule' });
      } catch (error) {
        auditLog.warn({ err: describeError(error) }, 'audit could not run');
      } finally {
        // A failed audit waits for the next turn too: an unreadable config is not retried in a tight loop.
        clock.lastAuditAtMs = Date.now();
        clock.auditedPid = pid;
        isRunning = false;
        if (!isDetached) arm();
      }
    };

    supervisor.onStateChange((state) => {
      const isUp = UP_MODES.includes(state.mode) && state.gateway.pid !== null;
      const wasUp = clock.upSinceMs !== null;
      const isNewGateway = state.gateway.pid !== clock.gatewayPid;
      clock.gatewayPid = state.gateway.pid;
      // healthy <-> degraded (the audit's own verdict among them) moves nothing.
      if (isUp === wasUp && !isNewGateway) return;
      clock.upSinceMs = isUp ? Date.now() : null;
      arm();
    });
    onConfigReloaded(() => arm());
    arm();
    return {
      detach() {
        isDetached = true;
        clearTimeout(timer);
      },
    };
  },
};
