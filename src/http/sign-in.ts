/** The query parameter a browser signs in with, once: `http://NODE:PORT/?token=T`. */
export const TOKEN_PARAMETER = 'token';

/** The query string of a request URL, without the `?` (empty when there is none). */
export function readQuery(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return '';
  const end = url.indexOf('#', start);
  return url.slice(start + 1, end < 0 ? undefined : end);
}

/** The `token` parameter of the URL, or null when there is none. */
export function readQueryToken(url: string): string | null {
  return new URLSearchParams(readQuery(url)).get(TOKEN_PARAMETER);
}

/** Where the sign-in redirects: the same path and query without the token, never another host (`//host` is not a path). */
export function locationWithoutToken(url: string): string {
  const end = url.search(/[?#]/);
  const path = `/${(end < 0 ? url : url.slice(0, end)).replace(/^[/\\]+/, '')}`;
  const params = new URLSearchParams(readQuery(url));
  params.delete(TOKEN_PARAMETER);
  const rest = params.toString();
  return rest === '' ? path : `${path}?${rest}`;
}

/** Cookies are not kept apart by port: each listener's cookie is named for its port, so two nodes on one host do not sign each other out. */
export function sessionCookieName(port: number): string {
  return `clawsup_session_${port}`;
}

/** The value of the cookie `name` in a `Cookie` header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    if (part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return null;
}

export interface SessionCookie {
  name: string;
  id: string;
  maxAgeMs: number;
  isSecure: boolean;
}

/** The `Set-Cookie` value: script cannot read it, no other site's page sends it, and over TLS it never goes in clear. */
export function formatSessionCookie(cookie: SessionCookie): string {
  const maxAgeS = Math.max(1, Math.floor(cookie.maxAgeMs / 1000));
  return `${cookie.name}=${cookie.id}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${cookie.isSecure ? '; Secure' : ''}`;
}

/** What the request carried, each checked: the bearer header, the `?token=` sign-in, the session cookie. */
export interface CredentialFacts {
  isTokenConfigured: boolean;
  bearer: 'none' | 'wrong' | 'right';
  query: 'none' | 'wrong' | 'right';
  session: 'none' | 'unknown' | 'valid';
  /** From the failure throttle: a try with a token is refused, unchecked, until this is 0. */
  retryAfterMs: number;
}

export type Credential = null | 'missing' | 'wrong' | 'right' | 'sign-in' | 'throttled';

/**
 * A token sent (header or query) is checked first, and refused unchecked while its address must wait; a valid session
 * passes even then, so someone guessing from the same address does not sign out a browser that is signed in.
 */
export function decideCredential(facts: CredentialFacts): Credential {
  if (!facts.isTokenConfigured) return null;
  const isTry = facts.bearer !== 'none' || facts.query !== 'none';
  if (isTry && facts.retryAfterMs > 0) return 'throttled';
  if (facts.bearer !== 'none') return facts.bearer;
  if (facts.query !== 'none') return facts.query === 'right' ? 'sign-in' : 'wrong';
  return facts.session === 'valid' ? 'right' : 'missing';
}
