import type { ActiveAlert } from './evaluate-alerts.js';

/** Where a message goes: a webhook by its index in `alerts.webhooks` (never its URL, a secret), or Alertmanager. */
export type AlertTarget = { kind: 'webhook'; index: number; format: 'slack' | 'json' } | { kind: 'alertmanager' };

export interface OutboxMessage {
  id: number;
  targetId: string;
  /** The request body, ready to send. */
  body: string;
  /** For the logs: the alert's key and status (`diagnose firing`), never the body's secrets. */
  label: string;
  /** A refresh of Alertmanager's active alerts: replaced by the next one, not queued behind it. */
  isRefresh: boolean;
  createdAtMs: number;
  attempts: number;
  nextAttemptAtMs: number;
}

/** status.dir/alerts-outbox.json: what is still to be delivered, and the alerts active, across a daemon restart. */
export interface Outbox {
  messages: OutboxMessage[];
  /** Messages dropped, oldest first, because the outbox was full. */
  dropped: number;
  nextId: number;
  active: ActiveAlert[];
}

export const EMPTY_OUTBOX: Outbox = { messages: [], dropped: 0, nextId: 1, active: [] };

/** `webhook:0:slack`, `alertmanager`: a message written for one webhook is never sent to another the list now puts there. */
export function targetId(target: AlertTarget): string {
  return target.kind === 'alertmanager' ? 'alertmanager' : `webhook:${target.index}:${target.format}`;
}

/** For people and logs: `webhook #1`, `Alertmanager`. */
export function describeTarget(id: string): string {
  const match = /^webhook:(\d+):/.exec(id);
  return match ? `webhook #${Number(match[1]) + 1}` : 'Alertmanager';
}

/** Adds a message; a full outbox drops its oldest and counts them. A refresh replaces a refresh still waiting. */
export function addToOutbox(outbox: Outbox, message: Omit<OutboxMessage, 'id'>, maxMessages: number): Outbox {
  const kept = message.isRefresh ? outbox.messages.filter((m) => !(m.isRefresh && m.targetId === message.targetId && m.attempts === 0)) : outbox.messages;
  const messages = [...kept, { ...message, id: outbox.nextId }];
  const overflow = Math.max(0, messages.length - maxMessages);
  return { ...outbox, messages: messages.slice(overflow), dropped: outbox.dropped + overflow, nextId: outbox.nextId + 1 };
}

export function removeFromOutbox(outbox: Outbox, id: number): Outbox {
  return { ...outbox, messages: outbox.messages.filter((m) => m.id !== id) };
}

/** After a failed attempt: tried again after a delay doubling from initialDelayMs up to maxDelayMs. */
export function markAttemptFailed(outbox: Outbox, id: number, nowMs: number, initialDelayMs: number, maxDelayMs: number): Outbox {
  return {
    ...outbox,
    messages: outbox.messages.map((m) => (m.id === id ? { ...m, attempts: m.attempts + 1, nextAttemptAtMs: nowMs + retryDelayMs(m.attempts + 1, initialDelayMs, maxDelayMs) } : m)),
  };
}

export function retryDelayMs(attempts: number, initialDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/** Per target, the first message in order is the only one due: a resolved message never overtakes its firing one. */
export function dueMessages(outbox: Outbox, nowMs: number, busyTargetIds: ReadonlySet<string>): { due: OutboxMessage[]; nextDueAtMs: number | null } {
  const heads = new Map<string, OutboxMessage>();
  for (const message of outbox.messages) if (!heads.has(message.targetId)) heads.set(message.targetId, message);
  const due: OutboxMessage[] = [];
  let nextDueAtMs: number | null = null;
  for (const [id, head] of heads) {
    if (busyTargetIds.has(id)) continue;
    if (head.nextAttemptAtMs <= nowMs) due.push(head);
    else nextDueAtMs = nextDueAtMs === null ? head.nextAttemptAtMs : Math.min(nextDueAtMs, head.nextAttemptAtMs);
  }
  return { due, nextDueAtMs };
}

/** Reads the outbox file back; anything unreadable is a fresh outbox and says why (the daemon logs it, never fails). */
export function parseOutbox(text: string): { outbox: Outbox; error: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { outbox: EMPTY_OUTBOX, error: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as Outbox).messages) || !Array.isArray((value as Outbox).active)) {
    return { outbox: EMPTY_OUTBOX, error: 'not an outbox (messages and active lists expected)' };
  }
  const raw = value as Outbox;
  const messages = raw.messages.filter(
    (m) => typeof m?.id === 'number' && typeof m.targetId === 'string' && typeof m.body === 'string' && typeof m.label === 'string' && typeof m.createdAtMs === 'number',
  );
  const active = raw.active.filter((a) => typeof a?.key === 'string' && typeof a.rule === 'string' && typeof a.startsAtMs === 'number');
  const maxId = messages.reduce((max, m) => Math.max(max, m.id), 0);
  return {
    outbox: {
      // A restart tries at once: the network may be back, and the backoff was the old daemon's.
      messages: messages.map((m) => ({ ...m, isRefresh: m.isRefresh === true, attempts: Number(m.attempts) || 0, nextAttemptAtMs: 0 })),
      dropped: Number.isInteger(raw.dropped) && raw.dropped >= 0 ? raw.dropped : 0,
      nextId: Math.max(maxId + 1, Number.isInteger(raw.nextId) ? raw.nextId : 1),
      active,
    },
    error: null,
  };
}
