/** Where the HTTP listener binds: `host:port`, `[v6]:port`, or a host alone for the default port. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * 10189: Prometheus' exporter range 9100-9999 is fully allocated, and allocations now continue upward from 10000
 * (Webmin holds 10000, Zabbix 10050-10051); this one sits past both, clear of every exporter we could find listed.
 */
export const DEFAULT_HTTP_PORT = 10189;

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export type ParsedListen = { ok: true; address: ListenAddress } | { ok: false; error: string };

/** Parses `http.listen`; the error says what was expected. */
export function parseListenAddress(text: string): ParsedListen {
  const expected = `expected "host:port" (such as "127.0.0.1:${DEFAULT_HTTP_PORT}" or "[::1]:${DEFAULT_HTTP_PORT}"), or a host alone for port ${DEFAULT_HTTP_PORT}`;
  let host: string;
  let portText: string | null;
  if (text.includes('://')) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (an address to listen on, not a URL)` };
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (no closing ])` };
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return { ok: false, error: `${expected}; found ${JSON.stringify(text)}` };
    portText = rest === '' ? null : rest.slice(1);
    if (!IPV6.test(host) || !host.includes(':')) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (not an IPv6 address inside [ ])` };
  } else {
    const parts = text.split(':');
    if (parts.length > 2) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (write an IPv6 address in brackets: "[::1]:${DEFAULT_HTTP_PORT}")` };
    host = parts[0] ?? '';
    portText = parts.length === 2 ? (parts[1] ?? '') : null;
    if (!HOST_NAME.test(host)) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (not a host name or IPv4 address)` };
  }
  if (portText === null) return { ok: true, address: { host, port: DEFAULT_HTTP_PORT } };
  if (!/^\d{1,5}$/.test(portText)) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (the port is not a number)` };
  const port = Number(portText);
  if (port < 1 || port > 65_535) return { ok: false, error: `${expected}; found ${JSON.stringify(text)} (a port is 1-65535)` };
  return { ok: true, address: { host, port } };
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. Anything else is reachable from elsewhere and needs the token. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const octets = lower.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** How the address reads in a URL (`[::1]:10189`). */
export function formatListenAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
