import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import type { DaemonPart } from '../daemon/daemon-part.js';
import { noteOwnWrite } from '../daemon/input-watcher.js';
import { describeError } from '../describe-error.js';
import { setCronControl } from './cron-control.js';
import { startJobsCheck } from './cron-jobs-check.js';
import { readHighestTermSeen } from './cron-state-file.js';
import { createCronStatusPublisher, type CronStatusView } from './cron-status-publisher.js';
import { createConfigCronSwitch } from './cron-switch.js';
import { startFencer, type Fencer } from './fencer-process.js';
import { createLeaseCalls, errorText } from './lease-calls.js';
import { fenceGuardForMs, isGatewayReadyForCron, leaseTiming, planCronTick } from './lease-decision.js';
import { initialLeaseState, type LeaseState } from './lease-state.js';
import { createRedisLease } from './redis-lease.js';

const GATEWAY_READY_LINE = '[gateway] ready';

export interface CronPartOptions {
  /** The clock the lease is measured on; a test injects jumps here, never in the machine's clock. */
  clock?: () => number;
}

type StepDownWaiter = (result: { wasLeader: boolean; term: number | null }) => void;

/**
 * The cron leader: holds a lease on Redis, turns this gateway's cron on while it holds it and off otherwise (and while
 * Redis cannot be reached), with a fencer that turns cron off if clawsupd freezes or dies before the lease could expire.
 * What to do is decided by planCronTick (lease-decision.ts); this part carries it out, one tick at a time.
 */
export function createCronPart(options: CronPartOptions = {}): DaemonPart {
  const clock = options.clock ?? Date.now;
  return {
    name: 'cron',
    async attach({ supervisor, config, log, env, events }) {
      const cronLog = log.child({ component: 'cron' });
      const leader = config.cron.leader;
      const timing = leaseTiming(leader.leaseMs, leader.safetyMarginMs);
      const openclawConfigPath = config.gateway.openclawConfigPath ?? join(env['HOME'] ?? homedir(), '.openclaw', 'openclaw.json');
      const node = env['CLAWSUP_NODE_NAME'] ?? hostname();
      if (config.gateway.env['OPENCLAW_SKIP_CRON'] === '1' || env['OPENCLAW_SKIP_CRON'] === '1') {
        cronLog.warn({}, 'OPENCLAW_SKIP_CRON=1 is set for the gateway: it never runs cron, even as leader');
      }
      const cronSwitch = createConfigCronSwitch(openclawConfigPath, leader.skipMissedJobs ? true : null, noteOwnWrite);
      // Every node starts as a follower: cron off before the gateway starts, until this node wins the lease.
      cronSwitch.set(false);
      const backend = createRedisLease({ url: leader.redisUrl as string, key: leader.key, timeoutMs: leader.connectTimeoutMs, log: cronLog });
      const calls = createLeaseCalls({ backend, clock, node, leaseMs: leader.leaseMs, isKeepLastRole: leader.onRedisUnreachable === 'keep-last-role', log: cronLog });

      let lease: LeaseState = initialLeaseState(readHighestTermSeen(config.status.dir));
      const publisher = createCronStatusPublisher({ supervisor, events, statusDir: config.status.dir, node, clock, log: cronLog }, lease);
      let previousNowMs: number | null = null;
      let stepDownWaiters: StepDownWaiter[] = [];
      let timer: NodeJS.Timeout | undefined;
      let isDetached = false;
      let isTicking = false;
      let isTickAgain = false;

      // The ready line of the gateway now running: only then may cron go on (see isGatewayReadyForCron).
      let readyGatewayPid: number | null = null;
      supervisor.onGatewayLine((line) => {
        if (!line.includes(GATEWAY_READY_LINE)) return;
        readyGatewayPid = supervisor.getState().gateway.pid;
        scheduleTick(0);
      }, GATEWAY_READY_LINE);
      const isGatewayReady = (): boolean => {
        const { gateway, isStarted } = supervisor.getState();
        return isGatewayReadyForCron({ gatewayPid: gateway.pid, isStarted, isHealthEnabled: supervisor.getConfig().health.enabled, readyGatewayPid });
      };
      // A gateway that ended leaves cron.enabled as it was: off now, so the next one starts with cron off and is turned
      // on after its ready line; a write during its start-up would make it exit 78.
      supervisor.onStateChange((state, previous) => {
        if (previous.gateway.pid === null || state.gateway.pid !== null || isDetached) return;
        fencer.guard(null);
        if (readCronOn()) setCron(false);
        scheduleTick(0);
      });
      let isFencerExited = false;
      const onFencerChange = (): void => {
        if (!fencer.isAlive()) isFencerExited = true;
        scheduleTick(0);
      };
      let fencer: Fencer = startFencer(openclawConfigPath, cronLog, onFencerChange);

      const jobsCheck = startJobsCheck({
        supervisor,
        env,
        backend,
        node,
        timeoutMs: leader.connectTimeoutMs * 2,
        log: cronLog,
        lease: () => lease,
        isGatewayReady,
        onGatewayAnswered(gatewayPid) {
          if (readyGatewayPid === gatewayPid) return;
          readyGatewayPid = gatewayPid;
          scheduleTick(0);
        },
        onChecked: () => publisher.writeJobs(lease.highestTermSeen, jobsCheck.jobs(), jobsCheck.jobsError()),
      });
      const statusView = (role: CronStatusView['role'], isCronOn: boolean): CronStatusView => ({ role, isCronOn, jobs: jobsCheck.jobs(), jobsError: jobsCheck.jobsError() });

      function readCronOn(): boolean {
        try {
          return cronSwitch.isOn();
        } catch (error) {
          // Unreadable: count it as on, so the decision tries to turn it off.
          lease = { ...lease, lastError: `cannot read cron.enabled in ${openclawConfigPath}: ${errorText(error)}` };
          return true;
        }
      }

      function setCron(isOn: boolean): void {
        try {
          cronSwitch.set(isOn);
          cronLog.info({ isCronOn: isOn, term: lease.heldTerm }, isOn ? 'cron turned on: this node leads' : 'cron turned off');
        } catch (error) {
          lease = { ...lease, lastError: `cannot write cron.enabled in ${openclawConfigPath}: ${errorText(error)}` };
          cronLog.error({ err: lease.lastError }, 'cron switch failed');
        }
      }

      function answerStepDowns(result: Parameters<StepDownWaiter>[0]): void {
        for (const resolve of stepDownWaiters) resolve(result);
        stepDownWaiters = [];
      }

      async function tick(): Promise<void> {
        const nowMs = clock();
        const plan = planCronTick({
          nowMs,
          previousNowMs,
          lease: { ...lease, isHeld: lease.heldValue !== null },
          isCronOn: readCronOn(),
          isFencerAlive: fencer.isAlive(),
          isGatewayReady: isGatewayReady(),
          gatewayMode: supervisor.getState().mode,
          isStepDownAsked: stepDownWaiters.length > 0,
          timing,
        });
        if (plan.isUnfencedCronOff) setCron(false);
        if (plan.decision.isClockJumpBack) {
          lease = { ...lease, heldUntilMs: plan.heldUntilMs };
          cronLog.warn({ nowMs, previousNowMs }, 'clock went back: lease treated as lost until Redis confirms it');
        }
        previousNowMs = nowMs;
        let isAttempted = false;
        for (const action of plan.actions) {
          if (action === 'turn-cron-off') {
            fencer.guard(null);
            setCron(false);
          } else if (action === 'turn-cron-on') {
            fencer.guard(fenceGuardForMs(lease.heldUntilMs as number, timing, clock()));
            setCron(true);
          } else {
            isAttempted = true;
            const term = lease.heldTerm;
            const result = await calls.run(action, () => lease);
            lease = result.lease;
            if (result.statusWrite !== 'none') publisher.write(lease.highestTermSeen, result.statusWrite === 'durable');
            if (action === 'release') {
              const why = stepDownWaiters.length > 0 ? 'clawctl cron step-down' : `the gateway is ${supervisor.getState().mode}`;
              cronLog.info({ term, why }, 'cron leadership handed over (step-down)');
              answerStepDowns({ wasLeader: true, term });
            }
          }
        }
        if (stepDownWaiters.length > 0 && lease.heldValue === null) answerStepDowns({ wasLeader: false, term: null });
        // Tell the fencer how long cron may stay on from now, at every renewal.
        const isCronOnNow = readCronOn();
        if (isCronOnNow && lease.heldUntilMs !== null) fencer.guard(fenceGuardForMs(lease.heldUntilMs, timing, clock()));
        // After a call to Redis the state has changed: decide again at once (cron on right after winning), and publish then.
        if (isAttempted) return scheduleTick(0);
        // A new leader publishes its jobs at once, and the others compare theirs with them.
        if (publisher.publish(lease, statusView(plan.decision.role, isCronOnNow), plan.decision.isNoLeader)) jobsCheck.checkSoon();
        scheduleTick(plan.decision.nextDecisionAtMs - clock());
      }

      function scheduleTick(delayMs: number): void {
        if (isDetached) return;
        clearTimeout(timer);
        timer = setTimeout(runTick, Math.max(0, delayMs));
      }

      // One tick at a time: a tick asked for during another runs right after it.
      function runTick(): void {
        if (isTicking) {
          isTickAgain = true;
          return;
        }
        isTicking = true;
        if (isFencerExited && !isDetached) {
          isFencerExited = false;
          fencer = startFencer(openclawConfigPath, cronLog, onFencerChange);
        }
        tick()
          .catch((error: unknown) => cronLog.error({ err: describeError(error) }, 'cron tick failed'))
          .finally(() => {
            isTicking = false;
            if (isTickAgain) {
              isTickAgain = false;
              scheduleTick(0);
            }
          });
      }

      setCronControl({
        getStatus: () => publisher.current(),
        stepDown: () =>
          new Promise((resolve) => {
            stepDownWaiters.push(resolve);
            scheduleTick(0);
          }),
      });
      scheduleTick(0);
      cronLog.info({ node, key: leader.key, leaseMs: leader.leaseMs, renewEveryMs: timing.renewEveryMs, safetyMarginMs: timing.safetyMarginMs, openclawConfigPath }, 'cron leader election started');

      return {
        async detach() {
          isDetached = true;
          clearTimeout(timer);
          jobsCheck.stop();
          setCronControl(null);
          while (isTicking) await new Promise((resolve) => setTimeout(resolve, 10));
          fencer.guard(null);
          setCron(false);
          lease = await calls.releaseAtExit(lease);
          for (const resolve of stepDownWaiters) resolve({ wasLeader: false, term: null });
          publisher.end(lease, statusView('follower', false));
          await backend.close();
          await fencer.stop();
        },
      };
    },
  };
}

export const cronPart: DaemonPart = createCronPart();
