import type { DaemonContext, DaemonPart, Detach } from '../daemon/daemon-part.js';
import type { StatusSectionName, StatusSections } from '../status/status-schema.js';
import { deriveSectionEvents, deriveStateEvents, type DerivedEvent, type SectionsSeen } from './derive-events.js';
import type { JournalHealth } from './event-sink.js';

/** Journals the supervisor's own story (modes, exits, restarts, diagnose, hold) and the Slack and skill sections' changes. */
export const eventsPart: DaemonPart = {
  name: 'events',
  attach: (context) => attachEvents(context),
};

// Slack's state and the skills live in these status sections: they are looked at when one is set, not on a timer.
const WATCHED_SECTIONS: readonly StatusSectionName[] = ['probes', 'skills'];

export function attachEvents(context: DaemonContext): Detach {
  const { supervisor, events } = context;
  let isAttached = true;
  let seen: SectionsSeen | null = null;
  const record = (derived: readonly DerivedEvent[]): void => {
    for (const { type, fields } of derived) events.append(type, fields);
  };
  const checkSections = (): void => {
    const result = deriveSectionEvents(seen, { probes: supervisor.getStatusSection('probes'), skills: supervisor.getStatusSection('skills') });
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
  supervisor.onSectionChange((name) => {
    if (isAttached && WATCHED_SECTIONS.includes(name)) checkSections();
  });
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
    },
  };
}

// status.json's `events` section is the status schema's to declare: until it does, the log line alone reports drops.
function publishHealth(context: DaemonContext, health: JournalHealth, isRoutine: boolean): void {
  const { droppedEvents, lastError, isFailing } = health;
  context.supervisor.setStatusSection('events', { droppedEvents, lastError, isFailing }, isRoutine);
}
