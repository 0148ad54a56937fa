import type { AuditSnapshot } from '../audit/capability.js';
import type { JournalEvent } from '../events/journal-event.js';
import type { StatusSnapshot } from '../status/status-schema.js';

export interface RecentEvents {
  /** Oldest first, newest last. */
  events: JournalEvent[];
  /** Events since `sinceMs` left out, the oldest ones, to keep the answer within the limit. */
  omitted: number;
}

/** The events at or after `sinceMs`, the newest `limit` of them, newest last. */
export function selectRecentEvents(events: readonly JournalEvent[], sinceMs: number, limit: number): RecentEvents {
  const recent = events.filter((event) => Date.parse(event.at) >= sinceMs);
  const omitted = Math.max(0, recent.length - limit);
  return { events: recent.slice(omitted), omitted };
}

/** The `audit` answer: status.json's summary of the last audit and its latest snapshot; null when none has run. */
export interface AuditAnswer {
  summary: StatusSnapshot['audit'] | null;
  latest: AuditSnapshot | null;
}

export function buildAuditAnswer(summary: StatusSnapshot['audit'] | undefined, latest: AuditSnapshot | null): AuditAnswer | null {
  if (summary === undefined && latest === null) return null;
  return { summary: summary ?? null, latest };
}

/** `/api/v1/view`: all a fleet row and a node page show, in one answer (one request per node per refresh). */
export interface NodeView {
  node: { name: string; version: string };
  status: StatusSnapshot;
  events: JournalEvent[];
  eventsOmitted: number;
  skills: StatusSnapshot['skills'];
  audit: AuditAnswer | null;
}

export interface NodeViewFacts {
  /** http.nodeName, when set. */
  configuredName: string | undefined;
  status: StatusSnapshot;
  recent: RecentEvents;
  audit: AuditAnswer | null;
}

export function buildNodeView(facts: NodeViewFacts): NodeView {
  const { status } = facts;
  return {
    node: { name: facts.configuredName ?? status.daemon.host, version: status.daemon.version },
    status,
    events: facts.recent.events,
    eventsOmitted: facts.recent.omitted,
    skills: status.skills ?? {},
    audit: facts.audit,
  };
}
