import type { CronRole } from './lease-decision.js';

/** What of the cron status the journal tells: this node's role and the leader it knows. */
export interface CronView {
  role: CronRole;
  term: number | null;
  holderNode: string | null;
}

/** What the journal needs to remember between two views: the view, and the last leader known (across a no-quorum spell). */
export interface CronEventsSeen {
  view: CronView;
  lastKnownTerm: number | null;
  lastKnownHolder: string | null;
}

export interface CronEvent {
  type: 'cron-leadership-changed' | 'cron-no-quorum-entered' | 'cron-no-quorum-left';
  fields: Record<string, string | number | boolean | null>;
}

/**
 * The journal events between two views of the cron lease: a new leader (this node or another, with both terms), and
 * the start and end of a spell without Redis. A node starting as follower is no news; the leader it first sees is.
 */
export function deriveCronEvents(seen: CronEventsSeen | null, view: CronView, lastError: string | null): { events: CronEvent[]; seen: CronEventsSeen } {
  const events: CronEvent[] = [];
  const before = seen?.view ?? { role: 'follower' as const, term: null, holderNode: null };
  const lastKnownTerm = seen?.lastKnownTerm ?? null;
  const lastKnownHolder = seen?.lastKnownHolder ?? null;
  if (view.role === 'no-quorum' && before.role !== 'no-quorum') {
    events.push({ type: 'cron-no-quorum-entered', fields: { previousRole: before.role, term: lastKnownTerm, lastError } });
  }
  if (view.role !== 'no-quorum' && before.role === 'no-quorum') {
    events.push({ type: 'cron-no-quorum-left', fields: { role: view.role, term: view.term } });
  }
  const isNewLeader = view.role !== 'no-quorum' && view.term !== null && view.term !== lastKnownTerm;
  const isOwnRoleChange = view.role !== 'no-quorum' && (view.role === 'leader') !== (before.role === 'leader') && seen !== null;
  if (isNewLeader || isOwnRoleChange) {
    events.push({
      type: 'cron-leadership-changed',
      fields: { role: view.role, previousRole: before.role, term: view.term, previousTerm: lastKnownTerm, holder: view.holderNode, previousHolder: lastKnownHolder },
    });
  }
  const isKnown = view.term !== null && view.role !== 'no-quorum';
  return {
    events,
    seen: { view, lastKnownTerm: isKnown ? view.term : lastKnownTerm, lastKnownHolder: isKnown ? view.holderNode : lastKnownHolder },
  };
}
