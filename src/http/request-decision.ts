/** What the listener does with a request before any route runs: refuse it, or hand it to the route for its path. */
export type RequestDecision =
  | { action: 'serve'; path: string }
  | { action: 'sign-in'; path: string }
  | { action: 'refuse'; statusCode: 401 | 403 | 404 | 405 | 429; message: string; headers: Record<string, string> };

export interface RequestFacts {
  method: string;
  url: string;
  /**
   * null when no token is configured; otherwise whether the request carried the right one (header or session), none
   * at all, the right one as `?token=` (a browser signing in), or tried one while its address must wait.
   */
  token: null | 'missing' | 'wrong' | 'right' | 'sign-in' | 'throttled';
  paths: readonly string[];
  /** With `token: 'throttled'`: how long the address must wait. */
  retryAfterMs?: number;
  /** False when no token is configured and the Host header is not a loopback name (src/http/host-check.ts). */
  isHostAllowed?: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const CHALLENGE = { 'www-authenticate': 'Bearer realm="clawsup"' };

/** Token first, so that no one without it learns which paths exist; then the path, then the method. */
export function decideRequest(facts: RequestFacts): RequestDecision {
  if (facts.isHostAllowed === false) {
    return { action: 'refuse', statusCode: 403, message: 'without http.tokenFile this listener answers only requests addressed to a loopback name (127.0.0.1, [::1], localhost)', headers: {} };
  }
  if (facts.token === 'throttled') {
    const retryAfterS = Math.max(1, Math.ceil((facts.retryAfterMs ?? 1_000) / 1000));
    return { action: 'refuse', statusCode: 429, message: `too many wrong tokens from this address: try again in ${retryAfterS} s`, headers: { 'retry-after': String(retryAfterS) } };
  }
  if (facts.token === 'missing') return { action: 'refuse', statusCode: 401, message: 'a token is required: send "Authorization: Bearer <the content of http.tokenFile>", or open /?token=<it> once in a browser', headers: CHALLENGE };
  if (facts.token === 'wrong') return { action: 'refuse', statusCode: 401, message: 'wrong token: send the content of http.tokenFile as "Authorization: Bearer <token>"', headers: CHALLENGE };
  const path = readPath(facts.url);
  if (!facts.paths.includes(path)) {
    return { action: 'refuse', statusCode: 404, message: `no such path: ${path} (this listener serves ${facts.paths.join(', ') || 'nothing yet'})`, headers: {} };
  }
  if (!READ_METHODS.has(facts.method)) return { action: 'refuse', statusCode: 405, message: `${facts.method} is not allowed on ${path}: it is read-only (GET, HEAD)`, headers: { allow: 'GET, HEAD' } };
  return { action: facts.token === 'sign-in' ? 'sign-in' : 'serve', path };
}

/** The path without its query string; the scheme and host never reach a server, so any URL is read as a path. */
function readPath(url: string): string {
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/** The token an `Authorization` header carries (`Bearer <token>`, the scheme in any case), or null. */
export function readBearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^bearer[ ]+(\S+)[ ]*$/i.exec(header);
  return match?.[1] ?? null;
}
