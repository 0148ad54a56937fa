import { createClient } from 'redis';
import type { Logger } from '../daemon/logger.js';
import { parseHolder, parsePublishedJobs, type AcquireResult, type LeaseBackend, type LeaseHolder } from './lease-backend.js';

// Atomic in Redis: take the key only if free, and give it the next term, never one at or under the caller's highest seen
// (the counter starts over when Redis restarts empty or is flushed). KEYS: lease, term counter. ARGV: holder JSON, leaseMs, highest seen.
const ACQUIRE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current, redis.call('PTTL', KEYS[1])} end
local term = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
local reset = 0
if term <= floor then term = floor + 1; redis.call('SET', KEYS[2], term); reset = 1 end
local holder = cjson.decode(ARGV[1])
holder.term = term
local value = cjson.encode(holder)
redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2])
return {1, value, reset}
`;
// Compare-and-set: only the holder's exact value extends or drops the key.
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const OBSERVE_SCRIPT = `return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;
 // KEYS: lease, jobs. ARGV: the holder's value, the jobs JSON.
const PUBLISH_JOBS_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]); return 1 else return 0 end`;
const READ_JOBS_SCRIPT = `return redis.call('GET', KEYS[1])`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

const RECONNECT_MAX_DELAY_MS = 1_000;

export interface RedisLeaseOptions {
  url: string;
  key: string;
  /** Each connect and each call: past this it is a failure. */
  timeoutMs: number;
  log: Logger;
}

/** The lease on Redis with Redis's own client; no offline queue, so a call that cannot be sent now fails now. */
export function createRedisLease(options: RedisLeaseOptions): LeaseBackend {
  const { key, timeoutMs, log } = options;
  const termKey = `${key}:term`;
  const jobsKey = `${key}:jobs`;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, RECONNECT_MAX_DELAY_MS) },
  });
  let lastErrorText = '';
  // The client reconnects by itself; each distinct error is logged once, not at every retry.
  client.on('error', (error: Error) => {
    const text = error.message;
    if (text !== lastErrorText) log.warn({ err: text }, 'redis connection error');
    lastErrorText = text;
  });
  client.on('ready', () => {
    if (lastErrorText !== '') log.info({}, 'redis connection ready');
    lastErrorText = '';
  });
  const connecting = client.connect().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'redis connect failed'));
  let hasBeenReady = false;
  client.on('ready', () => {
    hasBeenReady = true;
  });

  async function evaluate(script: string, keys: string[], args: string[]): Promise<unknown> {
    // Only the very first call waits for the first connect (within timeoutMs): a node starting is not a node without Redis.
    if (!client.isReady && !hasBeenReady) await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    if (!client.isReady) throw new Error(lastErrorText === '' ? 'redis is not connected' : `redis is not connected: ${lastErrorText}`);
    return client.withAbortSignal(AbortSignal.timeout(timeoutMs)).eval(script, { keys, arguments: args });
  }

  return {
    async acquire(holder: Omit<LeaseHolder, 'term'>, leaseMs: number, highestSeenTerm: number): Promise<AcquireResult> {
      const reply = (await evaluate(ACQUIRE_SCRIPT, [key, termKey], [JSON.stringify({ ...holder, term: 0 }), String(leaseMs), String(highestSeenTerm)])) as unknown[];
      const value = String(reply[1]);
      if (reply[0] === 1) {
        const parsed = parseHolder(value);
        if (parsed === null) throw new Error('redis returned a lease value that is not a holder');
        return { kind: 'acquired', holder: parsed, value, isCounterReset: reply[2] === 1 };
      }
      const remainingMs = typeof reply[2] === 'number' && reply[2] >= 0 ? reply[2] : null;
      return { kind: 'held-by-other', holder: parseHolder(value), remainingMs };
    },
    async renew(value, leaseMs) {
      return (await evaluate(RENEW_SCRIPT, [key], [value, String(leaseMs)])) === 1;
    },
    async observe() {
      const reply = (await evaluate(OBSERVE_SCRIPT, [key], [])) as unknown[];
      const remainingMs = typeof reply[1] === 'number' && reply[1] >= 0 ? reply[1] : null;
      return { holder: parseHolder(typeof reply[0] === 'string' ? reply[0] : null), remainingMs };
    },
    async release(value) {
      return (await evaluate(RELEASE_SCRIPT, [key], [value])) === 1;
    },
    async publishJobs(value, jobs) {
      return (await evaluate(PUBLISH_JOBS_SCRIPT, [key, jobsKey], [value, JSON.stringify(jobs)])) === 1;
    },
    async readPublishedJobs() {
      const reply = await evaluate(READ_JOBS_SCRIPT, [jobsKey], []);
      return parsePublishedJobs(typeof reply === 'string' ? reply : null);
    },
    async close() {
      try {
        client.destroy();
      } catch {
        // Already closed: nothing to release.
      }
    },
  };
}
