import type { DaemonContext, DaemonPart, Detach } from '../daemon/daemon-part.js';
import { statusSectionSchemas, type StatusSectionName, type StatusSections } from '../status/status-schema.js';
import { deriveSectionEvents, deriveStateEvents, type DerivedEvent, type SectionsSeen } from './derive-events.js';
import type { JournalHealth } from './event-sink.js';

// Slack's state and the skills live in status sections, which have no change hook: a look a second costs two compares.
const SECTION_CHECK_INTERVAL_MS = 1_000;

/** Journals the supervisor's own story (modes, exits, restarts, diagnose, hold) and the Slack and skill sections' changes. */
export const eventsPart: DaemonPart = {
  name: 'events',
  attach: (context) => attachEvents(context, SECTION_CHECK_INTERVAL_MS),
};

export function attachEvents(context: DaemonContext, sectionCheckIntervalMs: number): Detach {
  const { supervisor, events } = context;
  let isAttached = true;
  let seen: SectionsSeen | null = null;
  const record = (derived: readonly DerivedEvent[]): void => {
    for (const { type, fields } of derived) events.append(type, fields);
  };
  const checkSections = (): void => {
    const result = deriveSectionEvents(seen, supervisor.getStatus());
    seen = result.seen;
    record(result.events);
  };
  const { daemon } = supervisor.getStatus();
  events.append('daemon-started', { pid: daemon.pid, version: daemon.version, host: daemon.host });
  checkSections();
  supervisor.onStateChange((state, previous) => {
    if (!isAttached) return;
    record(deriveStateEvents(previous, state));
    checkSections();
  });
  const timer = setInterval(checkSections, sectionCheckIntervalMs);
  timer.unref();
  let lastHealth = events.readHealth();
  publishHealth(context, lastHealth, false);
  events.onHealthChange((health) => {
    // A count that grows while the disk stays full is routine: status.json on that disk gets it when it can.
    if (isAttached) publishHealth(context, health, health.isFailing === lastHealth.isFailing);
    lastHealth = health;
  });
  return {
    detach() {
      isAttached = false;
      clearInterval(timer);
    },
  };
}

// status.json's `events` section is the status schema's to declare: until it does, the log line alone reports drops.
function publishHealth(context: DaemonContext, health: JournalHealth, isRoutine: boolean): void {
  const { droppedEvents, lastError, isFailing } = health;
  context.supervisor.setStatusSection('events', { droppedEvents, lastError, isFailing }, isRoutine);
}
