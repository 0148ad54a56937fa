import { readFileSync } from 'node:fs';
import type { Logger } from '../daemon/logger.js';
import { describeError } from '../describe-error.js';
import { writeFileAtomicAsync } from '../status/atomic-file.js';
import { addToOutbox, describeTarget, dueMessages, EMPTY_OUTBOX, markAttemptFailed, parseOutbox, removeFromOutbox, type Outbox, type OutboxMessage } from './alert-outbox.js';
import type { TargetDeliveryState } from './alerts-status.js';
import type { ActiveAlert } from './evaluate-alerts.js';
import type { PostOutcome } from './alert-post.js';

export interface DeliverySettings {
  timeoutMs: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  outboxMaxMessages: number;
}

export interface AlertDeliveryOptions {
  outboxPath: string;
  log: Logger;
  settings: () => DeliverySettings;
  /** The URL for a target id, or null when the config no longer has it (its messages are dropped). */
  resolveUrl: (targetId: string) => URL | null;
  post: (url: URL, body: string, timeoutMs: number, signal: AbortSignal) => Promise<PostOutcome>;
  nowMs?: () => number;
}

export interface AlertDelivery {
  /** The alerts the outbox file kept from the daemon before (empty on a first start). */
  restoredActive: readonly ActiveAlert[];
  enqueue(targetId: string, body: string, label: string, isRefresh?: boolean): void;
  setActive(active: readonly ActiveAlert[]): void;
  pendingCount(): number;
  /** What is waiting (a target id per message), dropped so far, and each target's last delivery and error. */
  readState(): { pendingTargetIds: string[]; dropped: number; targets: TargetDeliveryState[] };
  /** After each change of what readState() says. */
  onChange(listener: () => void): void;
  /** Stops retrying and writes the outbox a last time: what was not delivered is sent by the next clawsupd. */
  close(): Promise<void>;
}

/** Delivers alert messages in the background: the caller never waits; failures retry with backoff; the outbox file persists. */
export function createAlertDelivery(options: AlertDeliveryOptions): AlertDelivery {
  const { outboxPath, log, settings, resolveUrl, post } = options;
  const nowMs = options.nowMs ?? Date.now;
  let outbox = loadOutbox(outboxPath, log);
  const restoredActive = outbox.active;
  const busy = new Set<string>();
  // One line per target per kind of failure: a webhook down for a day is said once, and once when it is back.
  const lastErrors = new Map<string, string>();
  const targetStates = new Map<string, TargetDeliveryState>();
  const changeListeners: Array<() => void> = [];
  const noteOutcome = (id: string, outcome: PostOutcome): void => {
    const before = targetStates.get(id) ?? { targetId: id, lastDeliveredAtMs: null, lastError: null, lastErrorAtMs: null };
    targetStates.set(id, outcome.ok ? { ...before, lastDeliveredAtMs: nowMs(), lastError: null } : { ...before, lastError: outcome.error, lastErrorAtMs: nowMs() });
  };
  let timer: NodeJS.Timeout | null = null;
  let isClosed = false;
  const stopping = new AbortController();
  let reportedDropped = outbox.dropped;
  const saver = createSaver(() => outboxPath, () => JSON.stringify(outbox), log);

  const change = (next: Outbox): void => {
    outbox = next;
    if (outbox.dropped > reportedDropped) {
      log.warn({ dropped: outbox.dropped - reportedDropped, droppedTotal: outbox.dropped, maxMessages: settings().outboxMaxMessages }, 'alert outbox full: oldest undelivered messages dropped');
      reportedDropped = outbox.dropped;
    }
    // After close the file holds what the last write saw: a message still in flight then is sent again next time.
    if (!isClosed) saver.save();
    for (const listener of changeListeners) listener();
  };

  const pump = (): void => {
    if (isClosed) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const { due, nextDueAtMs } = dueMessages(outbox, nowMs(), busy);
    for (const message of due) send(message);
    if (nextDueAtMs !== null) {
      timer = setTimeout(pump, Math.max(0, nextDueAtMs - nowMs()));
      timer.unref();
    }
  };

  const send = (message: OutboxMessage): void => {
    const url = resolveUrl(message.targetId);
    const target = describeTarget(message.targetId);
    if (url === null) {
      log.warn({ target, alert: message.label }, 'alert dropped: its target is no longer in alerts config');
      change(removeFromOutbox(outbox, message.id));
      queueMicrotask(pump);
      return;
    }
    busy.add(message.targetId);
    const { timeoutMs, retryInitialDelayMs, retryMaxDelayMs } = settings();
    void post(url, message.body, timeoutMs, stopping.signal).then((outcome) => {
      busy.delete(message.targetId);
      if (isClosed) return;
      noteOutcome(message.targetId, outcome);
      if (outcome.ok) {
        if (lastErrors.has(message.targetId)) log.info({ target, host: url.host, alert: message.label }, 'alert delivered again after failures');
        else log.info({ target, host: url.host, alert: message.label, attempts: message.attempts + 1 }, 'alert delivered');
        lastErrors.delete(message.targetId);
        change(removeFromOutbox(outbox, message.id));
      } else {
        const isNew = lastErrors.get(message.targetId) !== outcome.error;
        lastErrors.set(message.targetId, outcome.error);
        // One reading of the clock: the retry delay logged is the one scheduled, not a millisecond less.
        const failedAtMs = nowMs();
        const next = markAttemptFailed(outbox, message.id, failedAtMs, retryInitialDelayMs, retryMaxDelayMs);
        const retryAtMs = next.messages.find((m) => m.id === message.id)?.nextAttemptAtMs ?? failedAtMs;
        const fields = { target, host: url.host, alert: message.label, attempts: message.attempts + 1, error: outcome.error, retryInMs: retryAtMs - failedAtMs };
        if (isNew) log.warn(fields, 'alert not delivered: trying again');
        else log.debug(fields, 'alert not delivered: trying again');
        change(next);
      }
      pump();
    });
  };

  // What the daemon before left undelivered goes out at once.
  queueMicrotask(pump);
  return {
    restoredActive,
    enqueue(targetId, body, label, isRefresh = false) {
      if (isClosed) return;
      const atMs = nowMs();
      change(addToOutbox(outbox, { targetId, body, label, isRefresh, createdAtMs: atMs, attempts: 0, nextAttemptAtMs: atMs }, settings().outboxMaxMessages));
      queueMicrotask(pump);
    },
    setActive(active) {
      change({ ...outbox, active: [...active] });
    },
    pendingCount: () => outbox.messages.length,
    readState: () => ({ pendingTargetIds: outbox.messages.map((m) => m.targetId), dropped: outbox.dropped, targets: [...targetStates.values()] }),
    onChange(listener) {
      changeListeners.push(listener);
    },
    async close() {
      if (timer !== null) clearTimeout(timer);
      await saver.flush();
      isClosed = true;
      stopping.abort();
      await saver.flush();
    },
  };
}

function loadOutbox(path: string, log: Logger): Outbox {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ path, err: describeError(error) }, 'cannot read the alert outbox: starting empty');
    return EMPTY_OUTBOX;
  }
  const { outbox, error } = parseOutbox(text);
  if (error !== null) log.warn({ path, error }, 'alert outbox unreadable: starting empty');
  else if (outbox.messages.length > 0) log.info({ path, pending: outbox.messages.length, droppedTotal: outbox.dropped }, 'undelivered alerts from before: sending them');
  return outbox;
}

/** Writes coalesced: one write in flight, one more after it when something changed meanwhile. */
function createSaver(path: () => string, content: () => string, log: Logger): { save(): void; flush(): Promise<void> } {
  let writing: Promise<void> | null = null;
  let isAgain = false;
  let lastError: string | null = null;
  const write = (): void => {
    writing = writeFileAtomicAsync(path(), content(), { mode: 0o600, isDurable: true })
      .then(
        () => {
          if (lastError !== null) log.info({ path: path() }, 'alert outbox written again');
          lastError = null;
        },
        (error: unknown) => {
          const text = JSON.stringify(describeError(error));
          if (text !== lastError) log.warn({ path: path(), err: describeError(error) }, 'cannot write the alert outbox: undelivered alerts would not survive a restart');
          lastError = text;
        },
      )
      .finally(() => {
        writing = null;
        if (isAgain) {
          isAgain = false;
          write();
        }
      });
  };
  return {
    save() {
      if (writing !== null) isAgain = true;
      else write();
    },
    async flush() {
      while (writing !== null) await writing;
    },
  };
}
