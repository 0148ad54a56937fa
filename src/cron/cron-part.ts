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
import type { LeaseBackend, LeaseHolder } from './lease-backend.js';
import { decideLease, leaseTiming, type LeaseOutcome } from './lease-decision.js';
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

      let highestTermSeen = readHighestTermSeen(statusDir);
      let heldValue: string | null = null;
      let heldTerm: number | null = null;
      let heldAcquiredAt = '';
      let heldUntilMs: number | null = null;
      let cronOnNotBeforeMs: number | null = null;
      let lastOutcome: LeaseOutcome = 'none';
      let lastAttemptAtMs: number | null = null;
      let previousNowMs: number | null = null;
      let holdOffUntilMs: number | null = null;
      let leaderSeenAtMs: number | null = null;
      let otherHolder: LeaseHolder | null = null;
      let otherExpiresAtMs: number | null = null;
      let lastError: string | null = null;
      let jobs: CronStatus['jobs'] = null;
      let jobsError: string | null = null;
      let jobsTimer: NodeJS.Timeout | undefined;
      let stepDownWaiters: Array<(result: { wasLeader: boolean; term: number | null }) => void> = [];
      let eventsSeen: CronEventsSeen | null = null;
      let leadershipChanges = 0;
      let renewFailures = 0;
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
        // Without the startup probe, isStarted is true from the spawn: only the ready line counts then.
        return gateway.pid !== null && ((supervisor.getConfig().health.enabled && isStarted) || readyGatewayPid === gateway.pid);
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
        const holder = heldValue !== null && heldTerm !== null ? { node, pid: process.pid, term: heldTerm, acquiredAt: heldAcquiredAt } : otherHolder;
        const expiresAtMs = heldValue !== null ? heldUntilMs : otherExpiresAtMs;
        return {
          role,
          term: holder?.term ?? null,
          holder: holder === null ? null : { node: holder.node, pid: holder.pid, term: holder.term, acquiredAt: holder.acquiredAt },
          leaseExpiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString(),
          lastError,
          isCronOn,
          highestTermSeen,
          node,
          jobs,
          jobsError,
          leadershipChanges,
          renewFailures,
          updatedAt: new Date(clock()).toISOString(),
        };
      }

      // A gateway that clawsupd will not start by itself (diagnose, held, stopped) runs no cron: its lease goes to another node.
      function isGatewayAway(): boolean {
        const { mode } = supervisor.getState();
        return mode === 'diagnose' || mode === 'held' || mode === 'stopping' || mode === 'stopped';
      }

      function noteTerm(term: number): boolean {
        if (term <= highestTermSeen) return false;
        highestTermSeen = term;
        return true;
      }

      function readCronOn(): boolean {
        try {
          return cronSwitch.isOn();
        } catch (error) {
          // Unreadable: count it as on, so the decision tries to turn it off.
          lastError = `cannot read cron.enabled in ${openclawConfigPath}: ${errorText(error)}`;
          return true;
        }
      }

      function setCron(isOn: boolean): void {
        try {
          cronSwitch.set(isOn);
          cronLog.info({ isCronOn: isOn, term: heldTerm }, isOn ? 'cron turned on: this node leads' : 'cron turned off');
        } catch (error) {
          lastError = `cannot write cron.enabled in ${openclawConfigPath}: ${errorText(error)}`;
          cronLog.error({ err: lastError }, 'cron switch failed');
        }
      }

      function dropLease(outcome: LeaseOutcome): void {
        if (heldTerm !== null) cronLog.warn({ term: heldTerm, outcome }, 'cron leadership lost');
        heldValue = null;
        heldTerm = null;
        heldUntilMs = null;
        cronOnNotBeforeMs = null;
        lastOutcome = outcome;
      }

      async function tryAcquire(): Promise<void> {
        const sentAtMs = clock();
        lastAttemptAtMs = sentAtMs;
        const token = randomBytes(12).toString('hex');
        const previousTerm = otherHolder?.term ?? null;
        const result = await backend.acquire({ node, pid: process.pid, token, acquiredAt: new Date(sentAtMs).toISOString() }, leader.leaseMs, highestTermSeen);
        lastError = null;
        if (result.kind === 'acquired') {
          heldValue = result.value;
          heldTerm = result.holder.term;
          heldAcquiredAt = result.holder.acquiredAt;
          heldUntilMs = sentAtMs + leader.leaseMs;
          // Redis lost its state: an old leader may still be inside its lease, so cron waits until that lease has run out.
          cronOnNotBeforeMs = result.isCounterReset ? sentAtMs + leader.leaseMs : null;
          otherHolder = null;
          otherExpiresAtMs = null;
          lastOutcome = 'acquired';
          leaderSeenAtMs = sentAtMs;
          const isNew = noteTerm(heldTerm);
          cronLog.info({ term: heldTerm, previousTerm, isCounterReset: result.isCounterReset }, 'cron leadership taken');
          writeStatusNow(isNew);
          return;
        }
        lastOutcome = 'held-by-other';
        leaderSeenAtMs = sentAtMs;
        if (result.holder !== null && result.holder.term !== otherHolder?.term) cronLog.info({ holder: result.holder.node, term: result.holder.term, previousTerm }, 'cron leader seen');
        otherHolder = result.holder;
        otherExpiresAtMs = result.remainingMs === null ? null : sentAtMs + result.remainingMs;
        if (result.holder !== null && noteTerm(result.holder.term)) writeStatusNow(true);
      }

      async function observe(): Promise<void> {
        const sentAtMs = clock();
        lastAttemptAtMs = sentAtMs;
        const seen = await backend.observe();
        lastError = null;
        lastOutcome = seen.holder === null ? 'released' : 'held-by-other';
        if (seen.holder !== null) leaderSeenAtMs = sentAtMs;
        otherHolder = seen.holder;
        otherExpiresAtMs = seen.remainingMs === null ? null : sentAtMs + seen.remainingMs;
        if (seen.holder !== null && noteTerm(seen.holder.term)) writeStatusNow(true);
      }

      async function renew(): Promise<void> {
        const sentAtMs = clock();
        lastAttemptAtMs = sentAtMs;
        const isHeld = await backend.renew(heldValue as string, leader.leaseMs);
        lastError = null;
        if (!isHeld) {
          renewFailures += 1;
          lastError = 'the lease key no longer holds this node\'s token (expired, overwritten or flushed)';
          return dropLease('lost');
        }
        heldUntilMs = sentAtMs + leader.leaseMs;
        lastOutcome = 'renewed';
        leaderSeenAtMs = sentAtMs;
      }

      async function release(): Promise<void> {
        const term = heldTerm;
        lastAttemptAtMs = clock();
        try {
          if (heldValue !== null) await backend.release(heldValue);
        } catch (error) {
          cronLog.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
        }
        dropLease('released');
        holdOffUntilMs = clock() + leader.leaseMs;
        const why = stepDownWaiters.length > 0 ? 'clawctl cron step-down' : `the gateway is ${supervisor.getState().mode}`;
        cronLog.info({ term, why }, 'cron leadership handed over (step-down)');
        for (const resolve of stepDownWaiters) resolve({ wasLeader: true, term });
        stepDownWaiters = [];
      }

      async function callRedis(call: () => Promise<void>, isRenewal: boolean): Promise<void> {
        try {
          await call();
          if (isKeepingRoleSaid && lastOutcome !== 'error') cronLog.info({ term: heldTerm }, 'Redis answers again: the lease is held through it again');
          isKeepingRoleSaid = false;
        } catch (error) {
          if (isRenewal) renewFailures += 1;
          lastError = `redis: ${errorText(error)}`;
          if (leader.onRedisUnreachable === 'keep-last-role' && heldValue !== null && lastAttemptAtMs !== null) {
            heldUntilMs = lastAttemptAtMs + leader.leaseMs;
            lastOutcome = 'renewed';
            lastError = `${lastError}; keeping the leader role (cron.leader.onRedisUnreachable keep-last-role): another node may lead too once Redis is back to it first`;
            if (!isKeepingRoleSaid) cronLog.warn({ term: heldTerm, err: describeError(error) }, 'Redis unreachable: keeping the leader role and cron on (keep-last-role); two nodes may run cron once Redis comes back to another first');
            isKeepingRoleSaid = true;
            return;
          }
          lastOutcome = 'error';
        }
      }

      async function tick(): Promise<void> {
        const nowMs = clock();
        const isCronOn = readCronOn();
        // No fence, no cron: cron goes on again only once a new fencer has said it is ready.
        if (!fencer.isAlive() && isCronOn) setCron(false);
        const decision = decideLease({
          nowMs,
          previousNowMs,
          heldUntilMs,
          cronOnNotBeforeMs,
          lastOutcome,
          lastAttemptAtMs,
          isCronOn: isCronOn && fencer.isAlive(),
          isStepDownRequested: stepDownWaiters.length > 0 || (isGatewayAway() && heldValue !== null),
          holdOffUntilMs,
          leaderSeenAtMs,
          timing,
        });
        if (decision.isClockJumpBack) {
          // The deadline was measured on the clock before the jump: kept, it would look valid again at the next decision.
          if (heldUntilMs !== null) heldUntilMs = Math.min(heldUntilMs, nowMs);
          cronLog.warn({ nowMs, previousNowMs }, 'clock went back: lease treated as lost until Redis confirms it');
        }
        previousNowMs = nowMs;
        let isAttempted = false;
        for (const action of decision.actions) {
          if (action === 'turn-cron-off') {
            fencer.guard(null);
            setCron(false);
          } else if (action === 'turn-cron-on') {
            if (!fencer.isAlive() || heldUntilMs === null || !isGatewayReady()) continue;
            fencer.guard(heldUntilMs - timing.safetyMarginMs - clock());
            setCron(true);
          } else {
            isAttempted = true;
            const call = action === 'try-acquire' && !isGatewayReady() ? 'observe' : action;
            await callRedis({ renew, 'try-acquire': tryAcquire, release, observe }[call], call === 'renew');
          }
        }
        if (stepDownWaiters.length > 0 && heldValue === null) {
          for (const resolve of stepDownWaiters) resolve({ wasLeader: false, term: null });
          stepDownWaiters = [];
        }
        // Tell the fencer how long cron may stay on from now, at every renewal.
        const isCronOnNow = readCronOn();
        if (isCronOnNow && heldUntilMs !== null) fencer.guard(heldUntilMs - timing.safetyMarginMs - clock());
        // After a call to Redis the state has changed: decide again at once (cron on right after winning), and publish then.
        if (isAttempted) return scheduleTick(0);
        publish(decision.role, isCronOnNow, decision.isNoLeader);
        scheduleTick(decision.nextDecisionAtMs - clock());
      }

      function publish(role: CronStatus['role'], isCronOn: boolean, isNoLeader: boolean): void {
        const view = makeStatus(role, isCronOn);
        const next = deriveCronEvents(eventsSeen, { role, term: view.term, holderNode: view.holder?.node ?? null }, lastError);
        eventsSeen = next.seen;
        for (const event of next.events) {
          if (event.type === 'cron-leadership-changed') leadershipChanges += 1;
          events.append(event.type, event.fields);
          cronLog.info({ event: event.type, ...event.fields }, 'cron leadership event');
        }
        // Made again after counting, so status.json's leadershipChanges and the journal agree.
        status = makeStatus(role, isCronOn);
        supervisor.setDegradation('cron', [...(isNoLeader ? ['cron-no-leader'] : []), ...(jobs?.isSameAsLeader === false ? ['cron-jobs-differ'] : [])]);
        writeStatusNow(false);
        // A new leader publishes its jobs at once, and the others compare theirs with them.
        if (next.events.some((event) => event.type === 'cron-leadership-changed')) scheduleJobsCheck();
      }

      function writeStatusNow(isDurable: boolean): void {
        const { updatedAt: _updatedAt, ...rest } = status;
        const json = JSON.stringify({ ...rest, highestTermSeen });
        if (json === lastStatusJson && !isDurable) return;
        const isRoleChange = json !== lastStatusJson && rest.role !== JSON.parse(lastStatusJson || '{}').role;
        if (isRoleChange) cronLog.info({ role: rest.role, term: rest.term }, 'cron role');
        lastStatusJson = json;
        // A new role is written at once; a renewal that only moved the lease expiry may wait for the routine write.
        supervisor.setStatusSection('cron', { ...status, highestTermSeen }, !isRoleChange);
        try {
          writeCronStatus(statusDir, { ...status, highestTermSeen }, isDurable);
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
          if (heldValue !== null && heldTerm !== null) {
            await backend.publishJobs(heldValue, { node, term: heldTerm, count: read.count, definitionsHash: read.definitionsHash, checkedAt: new Date().toISOString() });
            return compareWithLeaderJobs(read.definitionsHash, true, heldTerm, null);
          }
          return compareWithLeaderJobs(read.definitionsHash, false, otherHolder?.term ?? null, await backend.readPublishedJobs());
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
              cronLog.warn({ definitionsHash: read.definitionsHash, leaderDefinitionsHash: comparison.leaderDefinitionsHash, holder: otherHolder?.node }, 'this gateway\'s cron jobs differ from the leader\'s: after a failover to this node it would run other jobs');
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
          if (heldValue !== null) {
            try {
              await backend.release(heldValue);
            } catch (error) {
              cronLog.warn({ err: describeError(error) }, 'cron lease release failed: it expires by itself');
            }
            dropLease('released');
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
