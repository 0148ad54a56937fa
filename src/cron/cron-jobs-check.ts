import type { Logger } from '../daemon/logger.js';
import type { Supervisor } from '../daemon/supervisor.js';
import type { CronStatus } from './cron-state-file.js';
import { readGatewayJobs, type GatewayJobs } from './gateway-jobs.js';
import { compareWithLeaderJobs, isNewJobsDifference, nextJobsCheckDelayMs, type JobsComparison } from './job-definitions.js';
import type { LeaseBackend } from './lease-backend.js';
import { errorText } from './lease-calls.js';
import type { LeaseState } from './lease-state.js';

// Jobs change rarely: read them this often while the gateway runs, and soon after it (re)starts.
const JOBS_TIMING = { soonMs: 2_000, intervalMs: 60_000 };

export interface JobsCheckOptions {
  supervisor: Pick<Supervisor, 'getState' | 'getConfig'>;
  env: NodeJS.ProcessEnv;
  backend: LeaseBackend;
  node: string;
  timeoutMs: number;
  log: Logger;
  lease: () => LeaseState;
  isGatewayReady: () => boolean;
  /** Its RPC answered: the gateway has started, as good as its ready line for one that printed none. */
  onGatewayAnswered(gatewayPid: number): void;
  /** After each read of the jobs, whether it worked or not. */
  onChecked(): void;
}

export interface JobsCheck {
  jobs(): CronStatus['jobs'];
  jobsError(): string | null;
  /** A new leader: read and compare again at once. */
  checkSoon(): void;
  stop(): void;
}

/** Reads the gateway's cron jobs from time to time; the leader publishes them beside the lease, a follower compares its own with the leader's. */
export function startJobsCheck(options: JobsCheckOptions): JobsCheck {
  const { supervisor, backend, node, log } = options;
  let jobs: CronStatus['jobs'] = null;
  let jobsError: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let isChecking = false;
  let isAgainAsked = false;
  let isStopped = false;

  async function compare(read: GatewayJobs): Promise<JobsComparison> {
    try {
      const { heldValue, heldTerm, otherHolder } = options.lease();
      if (heldValue !== null && heldTerm !== null) {
        await backend.publishJobs(heldValue, { node, term: heldTerm, count: read.count, definitionsHash: read.definitionsHash, checkedAt: new Date().toISOString() });
        return compareWithLeaderJobs(read.definitionsHash, true, heldTerm, null);
      }
      return compareWithLeaderJobs(read.definitionsHash, false, otherHolder?.term ?? null, await backend.readPublishedJobs());
    } catch {
      return { leaderDefinitionsHash: null, isSameAsLeader: null };
    }
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(check, delayMs);
    timer.unref();
  }

  function check(): void {
    clearTimeout(timer);
    if (isStopped) return;
    const gatewayPid = supervisor.getState().gateway.pid;
    const next = (): void => {
      isChecking = false;
      const delayMs = nextJobsCheckDelayMs({ isGatewayUp: gatewayPid !== null, isGatewayReady: options.isGatewayReady(), isSameAsLeader: jobs === null ? undefined : jobs.isSameAsLeader, isAgainAsked }, JOBS_TIMING);
      isAgainAsked = false;
      schedule(delayMs);
    };
    if (gatewayPid === null) return next();
    isChecking = true;
    readGatewayJobs(supervisor.getConfig(), options.env, () => supervisor.getState().gateway.pid, options.timeoutMs)
      .then(async (read) => {
        if (jobs?.definitionsHash !== read.definitionsHash) log.info({ count: read.count, definitionsHash: read.definitionsHash }, 'gateway cron jobs');
        const comparison = await compare(read);
        if (isNewJobsDifference(jobs?.leaderDefinitionsHash, comparison)) {
          log.warn({ definitionsHash: read.definitionsHash, leaderDefinitionsHash: comparison.leaderDefinitionsHash, holder: options.lease().otherHolder?.node }, 'this gateway\'s cron jobs differ from the leader\'s: after a failover to this node it would run other jobs');
        }
        jobs = { ...read, checkedAt: new Date().toISOString(), ...comparison };
        jobsError = null;
        options.onGatewayAnswered(gatewayPid);
      })
      .catch((error: unknown) => {
        jobsError = `cron.list: ${errorText(error)}`;
      })
      .finally(() => {
        options.onChecked();
        next();
      });
  }

  schedule(JOBS_TIMING.soonMs);
  return {
    jobs: () => jobs,
    jobsError: () => jobsError,
    checkSoon() {
      if (isChecking) {
        isAgainAsked = true;
        return;
      }
      clearTimeout(timer);
      schedule(0);
    },
    stop() {
      isStopped = true;
      clearTimeout(timer);
    },
  };
}
