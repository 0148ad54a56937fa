import { createSdNotifier, type SdNotifier } from './sd-notify.js';
import type { DaemonPart, DaemonContext, Detach } from '../daemon/daemon-part.js';
import { INITIAL_NOTIFY_PHASE, planReloaded, planReloading, planStartExtension, planStateNotify, type NotifyPhase } from './notify-plan.js';

export interface SystemdNotifyDeps {
  createNotifier: (context: DaemonContext) => SdNotifier;
  nowMs: () => number;
  monotonicUs: () => bigint;
  pid: number;
}

const DEFAULT_DEPS: SystemdNotifyDeps = {
  createNotifier: (context) =>
    createSdNotifier({ env: context.env, log: context.log, sendTimeoutMs: context.config.systemd.notifyTimeoutMs }),
  nowMs: () => Date.now(),
  // process.hrtime is CLOCK_MONOTONIC on Linux, the clock MONOTONIC_USEC is read against.
  monotonicUs: () => process.hrtime.bigint() / 1000n,
  pid: process.pid,
};

/** READY, STATUS, STOPPING, RELOADING, start-timeout extensions and watchdog pings for systemd. */
export const systemdNotifyPart: DaemonPart = {
  name: 'systemd-notify',
  attach: (context) => attachSystemdNotify(context, DEFAULT_DEPS),
};

/** Half of WATCHDOG_USEC, when systemd asked this process (and not another) for pings; null otherwise. */
export function findWatchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

export function attachSystemdNotify(context: DaemonContext, deps: SystemdNotifyDeps): Detach {
  const notifier = deps.createNotifier(context);
  if (!notifier.isEnabled) return { detach: () => undefined };
  const { supervisor, liveness } = context;
  const log = context.log.child({ component: 'systemd' });
  let phase: NotifyPhase = INITIAL_NOTIFY_PHASE;
  let isDetached = false;
  let lastStalled: string[] = [];

  // Pings and extensions go out only while every registered loop still beats: a stuck loop must let systemd act.
  const isAlive = (): boolean => {
    const stalled = liveness.findStalled(deps.nowMs());
    if (stalled.join() !== lastStalled.join()) {
      if (stalled.length > 0) log.warn({ stalled }, 'withholding systemd pings: a clawsupd loop is stuck');
      else log.info({}, 'all clawsupd loops beat again');
    }
    lastStalled = stalled;
    return stalled.length === 0;
  };

  const watchdogIntervalMs = findWatchdogIntervalMs(context.env, deps.pid);
  const notifyState = (fields: Record<string, string>, next: NotifyPhase): void => {
    phase = next;
    // A ping with READY=1 ends any start-time extension of the watchdog: from here a hang counts at once.
    notifier.send(fields.READY !== undefined && watchdogIntervalMs !== null && isAlive() ? { ...fields, WATCHDOG: '1' } : fields);
    if (fields.READY !== undefined) log.info({ status: fields.STATUS }, 'told systemd clawsupd is ready');
  };

  const initial = planStateNotify(supervisor.getState(), null, phase);
  notifyState(initial.fields, initial.phase);

  supervisor.onStateChange((state, previous) => {
    if (isDetached) return;
    const planned = planStateNotify(state, previous, phase);
    if (Object.keys(planned.fields).length > 0) notifyState(planned.fields, planned.phase);
  });

  const extensionMs = context.config.systemd.startExtensionMs;
  const extend = (): void => {
    const fields = planStartExtension(phase, extensionMs);
    if (Object.keys(fields).length === 0) return clearInterval(extensionTimer);
    if (isAlive()) notifier.send(fields);
  };
  const extensionTimer = setInterval(extend, Math.max(1, Math.floor(extensionMs / 2)));
  extend();

  // The timer fires only when the event loop is free: a blocked loop misses the ping by itself.
  const watchdogTimer = watchdogIntervalMs === null ? null : setInterval(() => isAlive() && notifier.send({ WATCHDOG: '1' }), watchdogIntervalMs);
  if (watchdogIntervalMs !== null) log.info({ watchdogIntervalMs }, 'pinging the systemd watchdog');

  const onReload = (): void => {
    notifier.send(planReloading(phase, deps.monotonicUs()));
    // clawsupd's own SIGHUP listener reloads the config after this one: READY=1 once it has.
    setImmediate(() => notifier.send(planReloaded(phase, supervisor.getState())));
  };
  process.on('SIGHUP', onReload);

  return {
    async detach() {
      isDetached = true;
      clearInterval(extensionTimer);
      if (watchdogTimer !== null) clearInterval(watchdogTimer);
      process.removeListener('SIGHUP', onReload);
      if (!phase.isStoppingSent) notifier.send({ STOPPING: '1' });
      await notifier.drain();
    },
  };
}
