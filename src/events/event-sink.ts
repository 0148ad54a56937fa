import type { EventFields, JournalEvent } from './journal-event.js';

/**
 * Where every part of the daemon records what happened: `context.events` (src/daemon/daemon-part.ts). A part calls
 * `append('audit-finished', { ... })`; the journal adds `seq` and `at` and writes one line to status.dir/events.ndjson.
 * Appending never throws and never waits: a journal that cannot write counts the event as dropped.
 */
export interface EventSink {
  append(type: string, fields?: EventFields): void;
  /** Each event as it is appended (numbered and dated), whether or not the disk took it; returns the unsubscribe. */
  onEvent(listener: (event: JournalEvent) => void): () => void;
  readHealth(): JournalHealth;
  /** Called when the journal starts or stops dropping events. */
  onHealthChange(listener: (health: JournalHealth) => void): void;
}

/** status.json's `events` section: events lost because the journal could not be written (a full disk), and why. */
export interface JournalHealth {
  droppedEvents: number;
  lastError: string | null;
  isFailing: boolean;
}

/** A sink that keeps its events in memory: for a part's unit test, or anything run without a status dir. */
export function createMemorySink(nowMs: () => number): EventSink & { events: JournalEvent[] } {
  const events: JournalEvent[] = [];
  const listeners = new Set<(event: JournalEvent) => void>();
  return {
    events,
    append(type, fields = {}) {
      const event: JournalEvent = { ...fields, seq: events.length + 1, at: new Date(nowMs()).toISOString(), type };
      events.push(event);
      for (const listener of listeners) listener(event);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    readHealth: () => ({ droppedEvents: 0, lastError: null, isFailing: false }),
    onHealthChange: () => undefined,
  };
}
