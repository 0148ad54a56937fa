/** How repeated token failures from one address are slowed down, and how much memory that may take. */
export interface ThrottleRules {
  /** Failures in a row that cost nothing: a typo or two, a client with an old token. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** An address that has not failed for this long starts again from nothing. */
  forgetAfterMs: number;
  /** Addresses remembered at once; past this the one that failed longest ago is forgotten. */
  maxAddresses: number;
}

export const THROTTLE_RULES: ThrottleRules = { freeFailures: 5, firstDelayMs: 1_000, maxDelayMs: 30_000, forgetAfterMs: 10 * 60_000, maxAddresses: 1_024 };

export interface FailureThrottle {
  /** 0 when `key` may try a token now; otherwise how long it must wait first. */
  retryAfterMs(key: string, nowMs: number): number;
  recordFailure(key: string, nowMs: number): void;
  recordSuccess(key: string): void;
  size(): number;
}

/** The wait before the next try after `failures` in a row: none for the free ones, then doubling up to the cap. */
export function delayAfterFailures(failures: number, rules: ThrottleRules): number {
  if (failures < rules.freeFailures) return 0;
  return Math.min(rules.maxDelayMs, rules.firstDelayMs * 2 ** Math.min(30, failures - rules.freeFailures));
}

/** Per-address failure counts, bounded: a try during the wait is refused unchecked, so guesses cannot go faster. */
export function createFailureThrottle(rules: ThrottleRules): FailureThrottle {
  // Map order is the order of the last failure: the first key is the one to forget first.
  const records = new Map<string, { failures: number; lastFailureAtMs: number }>();
  const current = (key: string, nowMs: number): { failures: number; lastFailureAtMs: number } | undefined => {
    const record = records.get(key);
    if (record === undefined || nowMs - record.lastFailureAtMs < rules.forgetAfterMs) return record;
    records.delete(key);
    return undefined;
  };
  return {
    retryAfterMs(key, nowMs) {
      const record = current(key, nowMs);
      if (record === undefined) return 0;
      return Math.max(0, record.lastFailureAtMs + delayAfterFailures(record.failures, rules) - nowMs);
    },
    recordFailure(key, nowMs) {
      const failures = (current(key, nowMs)?.failures ?? 0) + 1;
      records.delete(key);
      for (const oldest of records.keys()) {
        if (records.size < rules.maxAddresses) break;
        records.delete(oldest);
      }
      records.set(key, { failures, lastFailureAtMs: nowMs });
    },
    recordSuccess(key) {
      records.delete(key);
    },
    size: () => records.size,
  };
}

/** The one key of every loopback source: any local user may send from any of 127.0.0.0/8 and ::1. */
export const LOOPBACK_KEY = 'loopback';

/**
 * The key an address is counted under: IPv4 (also IPv4-mapped IPv6) as it is, IPv6 by its /64, since one host
 * commonly holds a whole /64 and could otherwise start again from nothing with each new address; all of loopback as one.
 */
export function throttleKeyOf(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(lower);
  const ipv4 = mapped ? (mapped[1] as string) : lower;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4) || /^(0{0,4}:){2,7}0{0,3}1$/.test(lower)) return LOOPBACK_KEY;
  if (mapped) return ipv4;
  if (!lower.includes(':')) return lower;
  const [head = '', tail] = lower.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
