import { isLoopbackHost } from './listen-address.js';

/**
 * Without a token the listener is loopback-only, and then it answers only requests addressed to a loopback name: a
 * page elsewhere that points its own DNS name at 127.0.0.1 (DNS rebinding) sends that name as Host, and is refused.
 */
export function isAllowedHost(hostHeader: string | undefined, isTokenConfigured: boolean): boolean {
  if (isTokenConfigured) return true;
  // HTTP/1.0 sends no Host; a browser always does, so that is not a rebinding page.
  if (hostHeader === undefined) return true;
  const host = hostHeader.startsWith('[') ? hostHeader.slice(1, Math.max(1, hostHeader.indexOf(']'))) : (hostHeader.split(':')[0] ?? '');
  return isLoopbackHost(host);
}
