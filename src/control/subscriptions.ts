import type { ControlStream } from './control-server.js';
import { buildError, buildPush, buildResult, type RequestId, type SubscribeTopic } from './protocol.js';

/** Where the pushes come from: the daemon's hooks, wired once; tests give their own. */
export interface SubscriptionSources {
  getStatus(): unknown;
  getOutputLines(count: number): string[];
  /** Calls back on every change of the status (a state change, a status write). */
  onStatusChange(listener: () => void): void;
  /** Each gateway line, and clawsup's own lines among them (`clawsup`: the gateway exited). */
  onGatewayLine(listener: (line: string, stream: LogStream) => void): void;
  /** Each event as the journal appends it (src/events): pushed as is, its `seq` lets a reader join it to the files. */
  onEvent?(listener: (event: unknown) => void): void;
  /** Told when the first status subscriber comes and the last one goes, so status writes are watched only meanwhile. */
  onStatusInterest?(isWanted: boolean): void;
}

export type LogStream = 'stdout' | 'stderr' | 'clawsup';

export interface SubscribeRequest {
  id: RequestId;
  topics: readonly SubscribeTopic[];
  n: number;
}

export interface SubscriptionHub {
  open(request: SubscribeRequest): ControlStream;
  subscriberCount(): number;
}

interface Subscriber {
  topics: ReadonlySet<SubscribeTopic>;
  push(message: unknown): void;
  id: RequestId;
  /** The status last pushed to this subscriber, as JSON without `updatedAt`: a write that changed nothing is not pushed. */
  lastStatusKey: string;
}

// `updatedAt` moves on every write; a status that differs only there is the same status.
function statusKey(status: unknown): string {
  if (typeof status !== 'object' || status === null) return JSON.stringify(status);
  const { updatedAt: _updatedAt, ...rest } = status as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** One listener per source on the daemon, fanned out to every subscriber: a subscription costs nothing when idle. */
export function createSubscriptionHub(sources: SubscriptionSources): SubscriptionHub {
  const subscribers = new Set<Subscriber>();
  let statusSubscribers = 0;

  sources.onStatusChange(() => {
    if (statusSubscribers === 0) return;
    const status = sources.getStatus();
    const key = statusKey(status);
    for (const subscriber of subscribers) {
      if (!subscriber.topics.has('status') || subscriber.lastStatusKey === key) continue;
      subscriber.lastStatusKey = key;
      subscriber.push(buildPush(subscriber.id, 'status', status));
    }
  });
  sources.onGatewayLine((line, stream) => {
    for (const subscriber of subscribers) {
      if (subscriber.topics.has('logs')) subscriber.push(buildPush(subscriber.id, 'logs', { line, stream }));
    }
  });
  sources.onEvent?.((event) => {
    for (const subscriber of subscribers) {
      if (subscriber.topics.has('events')) subscriber.push(buildPush(subscriber.id, 'events', event));
    }
  });

  return {
    subscriberCount: () => subscribers.size,
    open(request) {
      const topics = new Set(request.topics);
      const status = topics.has('status') ? sources.getStatus() : undefined;
      const result: Record<string, unknown> = { topics: [...topics] };
      if (status !== undefined) result.status = status;
      if (topics.has('logs')) result.logs = request.n === 0 ? [] : sources.getOutputLines(request.n);
      return {
        reply: buildResult(request.id, result),
        tooSlow: buildError(request.id, 'subscriber-too-slow', 'this subscriber left over 1 MiB of pushes unread; subscribe again'),
        open(push) {
          const subscriber: Subscriber = { topics, push, id: request.id, lastStatusKey: statusKey(status) };
          subscribers.add(subscriber);
          if (topics.has('status') && (statusSubscribers += 1) === 1) sources.onStatusInterest?.(true);
          return () => {
            if (!subscribers.delete(subscriber)) return;
            if (topics.has('status') && (statusSubscribers -= 1) === 0) sources.onStatusInterest?.(false);
          };
        },
      };
    },
  };
}
