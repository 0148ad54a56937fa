/** Who holds the lease, as stored in the lease key's value (JSON). */
export interface LeaseHolder {
  node: string;
  pid: number;
  term: number;
  /** Random per acquisition: the compare-and-set compares the whole value, so only this holder can renew or drop it. */
  token: string;
  acquiredAt: string;
}

/** The leader's cron jobs as it published them beside the lease: followers compare their own with these. */
export interface PublishedJobs {
  node: string;
  term: number;
  count: number;
  definitionsHash: string;
  checkedAt: string;
}

export type AcquireResult =
  | { kind: 'acquired'; holder: LeaseHolder; value: string; isCounterReset: boolean }
  | { kind: 'held-by-other'; holder: LeaseHolder | null; remainingMs: number | null };

/**
 * The store a lease lives in. Redis today; etcd (lease + election, revision as fencing token) would be a second file
 * with this shape. Every call rejects when the store cannot answer within the timeout: that is a failed call, never a queued one.
 */
export interface LeaseBackend {
  /** Takes the lease if free, with a term past `highestSeenTerm`; else says who holds it. */
  acquire(holder: Omit<LeaseHolder, 'term'>, leaseMs: number, highestSeenTerm: number): Promise<AcquireResult>;
  /** Extends the lease only if the key still holds `value`. */
  renew(value: string, leaseMs: number): Promise<boolean>;
  /** Who holds the lease now (null: nobody, or a value that is not a holder), without taking it. */
  observe(): Promise<{ holder: LeaseHolder | null; remainingMs: number | null }>;
  /** Drops the lease only if the key still holds `value`. */
  release(value: string): Promise<boolean>;
  /** Stores the leader's jobs, only while the lease key still holds `value` (a deposed leader cannot overwrite its successor's). */
  publishJobs(value: string, jobs: PublishedJobs): Promise<boolean>;
  /** The jobs the last leader published; null when none did (or someone wrote something else there). */
  readPublishedJobs(): Promise<PublishedJobs | null>;
  close(): Promise<void>;
}

/** Reads a holder from a key's value; null when someone wrote something else there. */
export function parseHolder(value: string | null): LeaseHolder | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as Partial<LeaseHolder>;
    if (typeof parsed.node !== 'string' || typeof parsed.term !== 'number' || typeof parsed.token !== 'string') return null;
    return { node: parsed.node, pid: typeof parsed.pid === 'number' ? parsed.pid : 0, term: parsed.term, token: parsed.token, acquiredAt: String(parsed.acquiredAt ?? '') };
  } catch {
    return null;
  }
}

/** Reads published jobs from their key's value; null when it is not what a leader writes. */
export function parsePublishedJobs(value: string | null): PublishedJobs | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as Partial<PublishedJobs>;
    if (typeof parsed.node !== 'string' || typeof parsed.term !== 'number' || typeof parsed.count !== 'number' || typeof parsed.definitionsHash !== 'string') return null;
    return { node: parsed.node, term: parsed.term, count: parsed.count, definitionsHash: parsed.definitionsHash, checkedAt: String(parsed.checkedAt ?? '') };
  } catch {
    return null;
  }
}
