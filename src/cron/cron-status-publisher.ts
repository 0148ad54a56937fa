import type { EventSink } from '../events/event-sink.js';
import type { Logger } from '../daemon/logger.js';
import type { Supervisor } from '../daemon/supervisor.js';
import { describeError } from '../describe-error.js';
import { deriveCronEvents, type CronEventsSeen } from './cron-events.js';
import { writeCronStatus, type CronStatus } from './cron-state-file.js';
import { cronDegradations, decideStatusWrite, makeCronStatus, type CronStatusFacts } from './cron-status-view.js';
import type { LeaseState } from './lease-state.js';

export interface CronStatusPublisherOptions {
  supervisor: Pick<Supervisor, 'setStatusSection' | 'setDegradation'>;
  events: EventSink;
  statusDir: string;
  node: string;
  clock: () => number;
  log: Logger;
}

/** What a status is made of besides the lease and the counters this publisher keeps. */
export type CronStatusView = Omit<CronStatusFacts, 'node' | 'pid' | 'leadershipChanges' | 'nowMs'>;

export interface CronStatusPublisher {
  /** The last status published (clawctl cron status). */
  current(): CronStatus;
  /** A new status from the lease: its journal events, the degradation reasons and the status files. True when a new leader was seen. */
  publish(lease: LeaseState, view: CronStatusView, isNoLeader: boolean): boolean;
  /** The last status again with the highest term seen now; durably when a new term must survive a crash. */
  write(highestTermSeen: number, isDurable: boolean): void;
  /** The last status with new jobs, written. */
  writeJobs(highestTermSeen: number, jobs: CronStatus['jobs'], jobsError: string | null): void;
  /** At detach: follower, cron off, no degradation. */
  end(lease: LeaseState, view: CronStatusView): void;
}

/** cron.json, status.json's cron section and the journal's cron events, written only when they change. */
export function createCronStatusPublisher(options: CronStatusPublisherOptions, lease: LeaseState): CronStatusPublisher {
  const { supervisor, events, statusDir, node, clock, log } = options;
  let eventsSeen: CronEventsSeen | null = null;
  let leadershipChanges = 0;
  let lastStatusJson = '';
  const makeStatus = (state: LeaseState, view: CronStatusView): CronStatus => makeCronStatus(state, { ...view, node, pid: process.pid, leadershipChanges, nowMs: clock() });
  let status = makeStatus(lease, { role: 'follower', isCronOn: false, jobs: null, jobsError: null });

  function write(highestTermSeen: number, isDurable: boolean): void {
    const next = { ...status, highestTermSeen };
    const decision = decideStatusWrite(next, lastStatusJson, isDurable);
    if (!decision.isWrite) return;
    if (decision.isRoleChange) log.info({ role: next.role, term: next.term }, 'cron role');
    lastStatusJson = decision.json;
    // A new role is written at once; a renewal that only moved the lease expiry may wait for the routine write.
    supervisor.setStatusSection('cron', next, !decision.isRoleChange);
    try {
      writeCronStatus(statusDir, next, isDurable);
    } catch (error) {
      log.warn({ err: describeError(error) }, 'cron status write failed');
    }
  }

  return {
    current: () => status,
    publish(state, view, isNoLeader) {
      const seen = makeStatus(state, view);
      const next = deriveCronEvents(eventsSeen, { role: view.role, term: seen.term, holderNode: seen.holder?.node ?? null }, state.lastError);
      eventsSeen = next.seen;
      for (const event of next.events) {
        if (event.type === 'cron-leadership-changed') leadershipChanges += 1;
        events.append(event.type, event.fields);
        log.info({ event: event.type, ...event.fields }, 'cron leadership event');
      }
      // Made again after counting, so status.json's leadershipChanges and the journal agree.
      status = makeStatus(state, view);
      supervisor.setDegradation('cron', cronDegradations(isNoLeader, view.jobs));
      write(state.highestTermSeen, false);
      return next.events.some((event) => event.type === 'cron-leadership-changed');
    },
    write,
    writeJobs(highestTermSeen, jobs, jobsError) {
      status = { ...status, jobs, jobsError };
      write(highestTermSeen, false);
    },
    end(state, view) {
      status = makeStatus(state, { ...view, role: 'follower', isCronOn: false });
      write(state.highestTermSeen, false);
      supervisor.setDegradation('cron', []);
    },
  };
}
