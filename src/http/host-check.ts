import { isLoopbackHost } from './listen-address.js';

/**
 * Without a token the listener is loopback-only, and then it answers only requests addressed to a loopback name: a
 * page elsewhere that points its own DNS name at 127.0.0.1 (DNS rebinding) sends that name as Host, and is refused.
 */
export function isAllowedHost(hostHeader: string | undefined, isTokenConfigured: boolean): boolean {
  if (isTokenConfigured) return true;
  // HTTP/1.0 sends no Host; a browser always does, so that is not a rebinding page.
  if (hostHeader === undefined) return true;
  // The whole header is host[:port]: "127.0.0.1:80.evil.example" is no loopback name, whatever it starts with.
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(hostHeader);
  if (match === null) return false;
  return isLoopbackHost(match[1] ?? match[2] ?? '');
}
