import type { NotifyFields } from './notify-plan.js';

// Messages that change systemd's view of the service: they keep their order and are never merged with each other.
const LIFECYCLE_KEYS = ['READY', 'RELOADING', 'STOPPING'] as const;

/**
 * Adds a message to the messages waiting while one send is in flight. STATUS=, WATCHDOG=1 and EXTEND_TIMEOUT_USEC
 * merge into the last waiting message (the latest value wins); a lifecycle message that repeats an earlier waiting
 * one cancels what came between (RELOADING, READY, RELOADING is one RELOADING), so the queue never holds more than
 * one message per lifecycle key.
 */
export function enqueueNotify(queue: readonly NotifyFields[], fields: NotifyFields): NotifyFields[] {
  return appendToQueue(queue, fields).map(dropStaleExtension);
}

// systemd applies EXTEND_TIMEOUT_USEC to the watchdog as well: sent with READY=1 it would hide a hang for that long.
function dropStaleExtension(batch: NotifyFields): NotifyFields {
  if (!('EXTEND_TIMEOUT_USEC' in batch) || !('READY' in batch || 'STOPPING' in batch)) return batch;
  const { EXTEND_TIMEOUT_USEC: _dropped, ...rest } = batch;
  return rest;
}

function appendToQueue(queue: readonly NotifyFields[], fields: NotifyFields): NotifyFields[] {
  if (Object.keys(fields).length === 0) return [...queue];
  const key = findLifecycleKey(fields);
  const last = queue.at(-1);
  if (key !== undefined) {
    const earlier = queue.findIndex((batch) => findLifecycleKey(batch) === key);
    if (earlier >= 0) {
      const merged = queue.slice(earlier).reduce<NotifyFields>((sum, batch) => ({ ...sum, ...withoutLifecycle(batch) }), {});
      return [...queue.slice(0, earlier), { ...merged, ...fields }];
    }
  }
  if (last === undefined || (key !== undefined && findLifecycleKey(last) !== undefined)) return [...queue, { ...fields }];
  return [...queue.slice(0, -1), { ...last, ...fields }];
}

/** The arguments `systemd-notify` sends as one datagram. */
export function formatNotifyArgs(fields: NotifyFields): string[] {
  return Object.entries(fields).map(([key, value]) => `${key}=${value.replace(/\n/g, ' ')}`);
}

function findLifecycleKey(fields: NotifyFields): string | undefined {
  return LIFECYCLE_KEYS.find((key) => key in fields);
}

function withoutLifecycle(fields: NotifyFields): NotifyFields {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !(LIFECYCLE_KEYS as readonly string[]).includes(key)));
}
