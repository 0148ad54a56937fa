/** How long a browser's sign-in lasts, and how many may be held at once (memory stays bounded whatever a client does). */
export interface SessionLimits {
  ttlMs: number;
  maxSessions: number;
}

export interface SessionTable {
  /** Adds a signed-in session; past `maxSessions` the oldest is dropped (that browser signs in again). */
  add(id: string, nowMs: number): void;
  /** Whether `id` is a session not yet expired; an expired one is forgotten. */
  isValid(id: string, nowMs: number): boolean;
  /** Forgets every session: the token changed, so what it signed in is signed out. */
  clear(): void;
  size(): number;
}

/** Browser sessions signed in with the token, the Jupyter way: an opaque random id (never the token) to its expiry. */
export function createSessionTable(limits: SessionLimits): SessionTable {
  // Insertion order is expiry order: every session lives ttlMs from its sign-in.
  const expiries = new Map<string, number>();
  const dropExpired = (nowMs: number): void => {
    for (const [id, expiresAtMs] of expiries) {
      if (expiresAtMs > nowMs) return;
      expiries.delete(id);
    }
  };
  return {
    add(id, nowMs) {
      dropExpired(nowMs);
      for (const oldest of expiries.keys()) {
        if (expiries.size < limits.maxSessions) break;
        expiries.delete(oldest);
      }
      expiries.delete(id);
      expiries.set(id, nowMs + limits.ttlMs);
    },
    isValid(id, nowMs) {
      const expiresAtMs = expiries.get(id);
      if (expiresAtMs === undefined) return false;
      if (expiresAtMs > nowMs) return true;
      expiries.delete(id);
      return false;
    },
    clear: () => expiries.clear(),
    size: () => expiries.size,
  };
}
