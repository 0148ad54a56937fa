import { randomBytes } from 'node:crypto';
import { hostname, homedir } from 'node:os';
import { join } from 'node:path';
import type { DaemonPart } from '../daemon/daemon-part.js';
import { noteOwnWrite } from '../daemon/input-watcher.js';
import { describeError } from '../describe-error.js';
import { setCronControl } from './cron-control.js';
import { deriveCronEvents, type CronEventsSeen } from './cron-events.js';
import { readHighestTermSeen, writeCronStatus, type CronStatus } from './cron-state-file.js';
import { createConfigCronSwitch, type CronSwitch } from './cron-switch.js';
import { startFencer, type Fencer } from './fencer-process.js';
import type { LeaseBackend } from './lease-backend.js';
import { fenceGuardForMs, isGatewayReadyForCron, leaseTiming, planCronTick, type LeaseAction, type LeaseOutcome } from './lease-decision.js';
import { afterAcquire, afterObserve, afterRedisFailure, afterRelease, afterRenew, dropLease, initialLeaseState, noteAttempt, type LeaseState } from './lease-state.js';
import { cronDegradations, decideStatusWrite, makeCronStatus } from './cron-status-view.js';
import { createRedisLease } from './redis-lease.js';
import { readGatewayJobs, type GatewayJobs } from './gateway-jobs.js';
import { compareWithLeaderJobs, type JobsComparison } from './job-definitions.js';

// Jobs change rarely: read them this often while the gateway runs, and soon after it (re)starts.
const JOBS_CHECK_INTERVAL_MS = 60_000;
const JOBS_FIRST_CHECK_MS = 2_000;
const GATEWAY_READY_LINE = '[gateway] ready';

export interface CronPartOptions {
  /** The clock the lease is measured on; a test injects jumps here, never in the machine's clock. */
  clock?: () => number;
}

/**
 * The cron leader: holds a lease on Redis, turns this gateway's cron on while it holds it and off otherwise (and while
 * Redis cannot be reached), with a fencer that turns cron off if clawsupd freezes or dies before the lease could expire.
 */
export function createCronPart(options: CronPartOptions = {}): DaemonPart {
  const clock = options.clock ?? Date.now;
  return {
    name: 'cron',
    async attach({ supervisor, config, log, env, events }) {
      const cronLog = log.child({ component: 'cron' });
      const leader = config.cron.leader;
      const statusDir = config.status.dir;
      const timing = leaseTiming(leader.leaseMs, leader.safetyMarginMs);
      const openclawConfigPath = config.gateway.openclawConfigPath ?? join(env['HOME'] ?? homedir(), '.openclaw', 'openclaw.json');
      const node = env['CLAWSUP_NODE_NAME'] ?? hostname();
      if (config.gateway.env['OPENCLAW_SKIP_CRON'] === '1' || env['OPENCLAW_SKIP_CRON'] === '1') {
        cronLog.warn({}, 'OPENCLAW_SKIP_CRON=1 is set for the gateway: it never runs cron, even as leader');
      }
      const cronSwitch: CronSwitch = createConfigCronSwitch(openclawConfigPath, leader.skipMissedJobs ? true : null, noteOwnWrite);
      // Every node starts as a follower: cron off before the gateway starts, until this node wins the lease.
      cronSwitch.set(false);
      const backend: LeaseBackend = createRedisLease({ url: leader.redisUrl as string, key: leader.key, timeoutMs: leader.connectTimeoutMs, log: cronLog });

      let lease: LeaseState = initialLeaseState(readHighestTermSeen(statusDir));
      let previousNowMs: number | null = null;
      let jobs: CronStatus['jobs'] = null;
      let jobsError: string | null = null;
      let jobsTimer: NodeJS.Timeout | undefined;
      let stepDownWaiters: Array<(result: { wasLeader: boolean; term: number | null }) => void> = [];
      let eventsSeen: CronEventsSeen | null = null;
      let leadershipChanges = 0;
      let isKeepingRoleSaid = false;
      let isCheckingJobs = false;
      let isJobsCheckAgain = false;
      let status: CronStatus = makeStatus('follower', false);
      let lastStatusJson = '';
      let timer: NodeJS.Timeout | undefined;
      let isDetached = false;
      let isTicking = false;
      let isTickAgain = false;

      // The real gateway exits 78 when its config changes while it starts ("migration inputs changed during startup"):
      // cron goes on only once this gateway said ready (or the startup probe saw it started), and only such a node bids.
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

      function makeStatus(role: CronStatus['role'], isCronOn: boolean): CronStatus {
        return makeCronStatus(lease, { role, isCronOn, node, pid: process.pid, jobs, jobsError, leadershipChanges, nowMs: clock() });
      }

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

      function loseLease(outcome: LeaseOutcome, next: LeaseState): void {
        if (lease.heldTerm !== null) cronLog.warn({ term: lease.heldTerm, outcome }, 'cron leadership lost');
        lease = next;
      }

      async function tryAcquire(): Promise<void> {
        const sentAtMs = clock();
        lease = noteAttempt(lease, sentAtMs);
        const token = randomBytes(12).toString('hex');
        const previousTerm = lease.otherHolder?.term ?? null;
        const result = await backend.acquire({ node, pid: process.pid, token, acquiredAt: new Date(sentAtMs).toISOString() }, leader.leaseMs, lease.highestTermSeen);
        const answer = afterAcquire(lease, result, sentAtMs, leader.leaseMs);
        if (result.kind === 'acquired') {
          lease = answer.state;
          cronLog.info({ term: lease.heldTerm, previousTerm, isCounterReset: result.isCounterReset }, 'cron leadership taken');
          writeStatusNow(answer.isNewTerm);
          return;
        }
        if (result.holder !== null && result.holder.term !== lease.otherHolder?.term) cronLog.info({ holder: result.holder.node, term: result.holder.term, previousTerm }, 'cron leader seen');
        lease = answer.state;
        if (answer.isNewTerm) writeStatusNow(true);
      }

      async function observe(): Promise<void> {
        const sentAtMs = clock();
        lease = noteAttempt(lease, sentAtMs);
        const answer = afterObserve(lease, await backend.observe(), sentAtMs);
        lease = answer.state;
        if (answer.isNewTerm) writeStatusNow(true);
      }

      async function renew(): Promise<void> {
        const sentAtMs = clock();
        lease = noteAttempt(lease, sentAtMs);
        const isHeld = await backend.renew(lease.heldValue as string, leader.leaseMs);
        const next = afterRenew(lease, isHeld, sentAtMs, leader.leaseMs);
        if (isHeld) lease = next;
        else loseLease('lost', next);
      }

      async function release(): Promise<void> {
        const term = lease.heldTerm;
        lease = noteAttempt(lease, clock());
        try {
          if (lease.heldValue !== null) await backend.release(lease.heldValue);
        } catch (error) {
          cronLog.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
        }
        loseLease('released', afterRelease(lease, clock(), leader.leaseMs));
        const why = stepDownWaiters.length > 0 ? 'clawctl cron step-down' : `the gateway is ${supervisor.getState().mode}`;
        cronLog.info({ term, why }, 'cron leadership handed over (step-down)');
        for (const resolve of stepDownWaiters) resolve({ wasLeader: true, term });
        stepDownWaiters = [];
      }

      async function callRedis(call: () => Promise<void>, isRenewal: boolean): Promise<void> {
        try {
          await call();
          if (isKeepingRoleSaid && lease.lastOutcome !== 'error') cronLog.info({ term: lease.heldTerm }, 'Redis answers again: the lease is held through it again');
          isKeepingRoleSaid = false;
        } catch (error) {
          const failure = afterRedisFailure(lease, { errorText: errorText(error), isRenewal, isKeepLastRole: leader.onRedisUnreachable === 'keep-last-role', leaseMs: leader.leaseMs });
          lease = failure.state;
          if (!failure.isKeepingRole) return;
          if (!isKeepingRoleSaid) cronLog.warn({ term: lease.heldTerm, err: describeError(error) }, 'Redis unreachable: keeping the leader role and cron on (keep-last-role); two nodes may run cron once Redis comes back to another first');
          isKeepingRoleSaid = true;
        }
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
            await callRedis(redisCalls[action], action === 'renew');
          }
        }
        if (stepDownWaiters.length > 0 && lease.heldValue === null) {
          for (const resolve of stepDownWaiters) resolve({ wasLeader: false, term: null });
          stepDownWaiters = [];
        }
        // Tell the fencer how long cron may stay on from now, at every renewal.
        const isCronOnNow = readCronOn();
        if (isCronOnNow && lease.heldUntilMs !== null) fencer.guard(fenceGuardForMs(lease.heldUntilMs, timing, clock()));
        // After a call to Redis the state has changed: decide again at once (cron on right after winning), and publish then.
        if (isAttempted) return scheduleTick(0);
        publish(plan.decision.role, isCronOnNow, plan.decision.isNoLeader);
        scheduleTick(plan.decision.nextDecisionAtMs - clock());
      }
      const redisCalls: Record<Exclude<LeaseAction, 'turn-cron-off' | 'turn-cron-on'>, () => Promise<void>> = { renew, 'try-acquire': tryAcquire, release, observe };

      function publish(role: CronStatus['role'], isCronOn: boolean, isNoLeader: boolean): void {
        const view = makeStatus(role, isCronOn);
        const next = deriveCronEvents(eventsSeen, { role, term: view.term, holderNode: view.holder?.node ?? null }, lease.lastError);
        eventsSeen = next.seen;
        for (const event of next.events) {
          if (event.type === 'cron-leadership-changed') leadershipChanges += 1;
          events.append(event.type, event.fields);
          cronLog.info({ event: event.type, ...event.fields }, 'cron leadership event');
        }
        // Made again after counting, so status.json's leadershipChanges and the journal agree.
        status = makeStatus(role, isCronOn);
        supervisor.setDegradation('cron', cronDegradations(isNoLeader, jobs));
        writeStatusNow(false);
        // A new leader publishes its jobs at once, and the others compare theirs with them.
        if (next.events.some((event) => event.type === 'cron-leadership-changed')) scheduleJobsCheck();
      }

      function writeStatusNow(isDurable: boolean): void {
        const current = { ...status, highestTermSeen: lease.highestTermSeen };
        const write = decideStatusWrite(current, lastStatusJson, isDurable);
        if (!write.isWrite) return;
        if (write.isRoleChange) cronLog.info({ role: current.role, term: current.term }, 'cron role');
        lastStatusJson = write.json;
        // A new role is written at once; a renewal that only moved the lease expiry may wait for the routine write.
        supervisor.setStatusSection('cron', current, !write.isRoleChange);
        try {
          writeCronStatus(statusDir, current, isDurable);
        } catch (error) {
          cronLog.warn({ err: describeError(error) }, 'cron status write failed');
        }
      }

      function scheduleTick(delayMs: number): void {
        if (isDetached) return;
        clearTimeout(timer);
        timer = setTimeout(runTick, Math.max(0, delayMs));
      }

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
        getStatus: () => status,
        stepDown: () =>
          new Promise((resolve) => {
            stepDownWaiters.push(resolve);
            scheduleTick(0);
          }),
      });
      // The leader publishes its jobs beside the lease; a follower compares its own with the current leader's.
      async function compareJobs(read: GatewayJobs): Promise<JobsComparison> {
        try {
          const { heldValue, heldTerm } = lease;
          if (heldValue !== null && heldTerm !== null) {
            await backend.publishJobs(heldValue, { node, term: heldTerm, count: read.count, definitionsHash: read.definitionsHash, checkedAt: new Date().toISOString() });
            return compareWithLeaderJobs(read.definitionsHash, true, heldTerm, null);
          }
          return compareWithLeaderJobs(read.definitionsHash, false, lease.otherHolder?.term ?? null, await backend.readPublishedJobs());
        } catch {
          return { leaderDefinitionsHash: null, isSameAsLeader: null };
        }
      }

      function scheduleJobsCheck(): void {
        if (isCheckingJobs) {
          isJobsCheckAgain = true;
          return;
        }
        clearTimeout(jobsTimer);
        jobsTimer = setTimeout(checkJobs, 0);
        jobsTimer.unref();
      }

      const checkJobs = (): void => {
        clearTimeout(jobsTimer);
        if (isDetached) return;
        const gatewayPid = supervisor.getState().gateway.pid;
        const next = (): void => {
          isCheckingJobs = false;
          // Until the leader's jobs are known to compare with, look again soon.
          const isUnsettled = gatewayPid === null || !isGatewayReady() || (jobs !== null && jobs.isSameAsLeader === null) || isJobsCheckAgain;
          isJobsCheckAgain = false;
          jobsTimer = setTimeout(checkJobs, isUnsettled ? JOBS_FIRST_CHECK_MS : JOBS_CHECK_INTERVAL_MS);
          jobsTimer.unref();
        };
        if (gatewayPid === null) return next();
        isCheckingJobs = true;
        readGatewayJobs(supervisor.getConfig(), env, () => supervisor.getState().gateway.pid, leader.connectTimeoutMs * 2)
          .then(async (read) => {
            if (jobs?.definitionsHash !== read.definitionsHash) cronLog.info({ count: read.count, definitionsHash: read.definitionsHash }, 'gateway cron jobs');
            const comparison = await compareJobs(read);
            if (comparison.isSameAsLeader === false && jobs?.leaderDefinitionsHash !== comparison.leaderDefinitionsHash) {
              cronLog.warn({ definitionsHash: read.definitionsHash, leaderDefinitionsHash: comparison.leaderDefinitionsHash, holder: lease.otherHolder?.node }, 'this gateway\'s cron jobs differ from the leader\'s: after a failover to this node it would run other jobs');
            }
            jobs = { ...read, checkedAt: new Date().toISOString(), ...comparison };
            jobsError = null;
            // Its RPC answers only once it has started: as good as the ready line, for a gateway that printed none.
            if (readyGatewayPid !== gatewayPid) {
              readyGatewayPid = gatewayPid;
              scheduleTick(0);
            }
          })
          .catch((error: unknown) => {
            jobsError = `cron.list: ${errorText(error)}`;
          })
          .finally(() => {
            status = { ...status, jobs, jobsError };
            writeStatusNow(false);
            next();
          });
      };
      jobsTimer = setTimeout(checkJobs, JOBS_FIRST_CHECK_MS);
      jobsTimer.unref();

      scheduleTick(0);
      cronLog.info({ node, key: leader.key, leaseMs: leader.leaseMs, renewEveryMs: timing.renewEveryMs, safetyMarginMs: timing.safetyMarginMs, openclawConfigPath }, 'cron leader election started');

      return {
        async detach() {
          isDetached = true;
          clearTimeout(timer);
          clearTimeout(jobsTimer);
          setCronControl(null);
          while (isTicking) await new Promise((resolve) => setTimeout(resolve, 10));
          fencer.guard(null);
          setCron(false);
          if (lease.heldValue !== null) {
            try {
              await backend.release(lease.heldValue);
            } catch (error) {
              cronLog.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
            }
            loseLease('released', dropLease(lease, 'released'));
          }
          for (const resolve of stepDownWaiters) resolve({ wasLeader: false, term: null });
          status = makeStatus('follower', false);
          writeStatusNow(false);
          supervisor.setDegradation('cron', []);
          await backend.close();
          await fencer.stop();
        },
      };
    },
  };
}

export const cronPart: DaemonPart = createCronPart();

/** For status.json and clawctl: the error's message, with its code when it has one. */
function errorText(error: unknown): string {
  const { code, message } = describeError(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}
