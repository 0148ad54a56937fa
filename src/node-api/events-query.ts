import { parseSince } from '../events/select-events.js';

/** Without `since`: the last day, what the fleet view draws. */
export const DEFAULT_EVENTS_SINCE = '24h';
export const DEFAULT_EVENTS_LIMIT = 1_000;
/** However many are asked for: an answer stays a few MiB at most. */
export const MAX_EVENTS_LIMIT = 10_000;

export type EventsQuery = { ok: true; sinceMs: number; limit: number } | { ok: false; error: string };

const PARAMETERS = new Set(['since', 'limit']);

/** `?since=<ISO time or 45s|30m|24h|7d>&limit=N` of `/api/v1/events`; the error names the parameter and what it takes. */
export function parseEventsQuery(query: string, nowMs: number): EventsQuery {
  const params = new URLSearchParams(query);
  for (const name of new Set(params.keys())) {
    if (!PARAMETERS.has(name)) return { ok: false, error: `unknown parameter "${name}": this path takes since and limit` };
    if (params.getAll(name).length > 1) return { ok: false, error: `"${name}" is given more than once` };
  }
  const sinceText = params.get('since') ?? DEFAULT_EVENTS_SINCE;
  const sinceMs = parseSince(sinceText, nowMs);
  if (sinceMs === null) return { ok: false, error: `since takes 45s, 30m, 24h, 7d or an ISO 8601 time (2026-12-01T06:00:00Z), found ${JSON.stringify(sinceText)}` };
  const limitText = params.get('limit');
  if (limitText === null) return { ok: true, sinceMs, limit: DEFAULT_EVENTS_LIMIT };
  if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_EVENTS_LIMIT) {
    return { ok: false, error: `limit takes a whole number from 1 to ${MAX_EVENTS_LIMIT}, found ${JSON.stringify(limitText)}` };
  }
  return { ok: true, sinceMs, limit: Number(limitText) };
}
