/** The lines of Linux's /proc/net/tcp and /proc/net/tcp6, read as plain data. Pure. */

export interface TcpEndpoint {
  /** Canonical: dotted IPv4 (a v4-mapped IPv6 address too), else eight lower-case hex groups of IPv6. */
  address: string;
  port: number;
}

export interface TcpSocketEntry {
  local: TcpEndpoint;
  remote: TcpEndpoint;
  state: TcpState;
  uid: number;
  /** 0 for a socket no process holds yet (a connection still in its listener's accept queue) or any more. */
  inode: number;
}

// The kernel's tcp_states.h, in order from 1.
const TCP_STATES = [
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
] as const;
export type TcpState = (typeof TCP_STATES)[number] | 'UNKNOWN';

/** Every well-formed socket line of the file (its header and anything malformed are skipped). */
export function parseProcNetTcp(text: string): TcpSocketEntry[] {
  const entries: TcpSocketEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseProcNetTcpLine(line);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

/** `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`; null for the header or a line of another shape. */
export function parseProcNetTcpLine(line: string): TcpSocketEntry | null {
  const fields = line.trim().split(/\s+/);
  if (fields.length < 10 || !/^\d+:$/.test(fields[0] ?? '')) return null;
  const local = parseHexEndpoint(fields[1] ?? '');
  const remote = parseHexEndpoint(fields[2] ?? '');
  const stateCode = Number.parseInt(fields[3] ?? '', 16);
  const uid = Number(fields[7]);
  const inode = Number(fields[9]);
  if (local === null || remote === null || !Number.isInteger(uid) || !Number.isInteger(inode) || !/^[0-9A-Fa-f]{2}$/.test(fields[3] ?? '')) return null;
  return { local, remote, state: TCP_STATES[stateCode - 1] ?? 'UNKNOWN', uid, inode };
}

/** `0100007F:1F90` -> 127.0.0.1:8080; the address is the kernel's words in host (little-endian) byte order. */
export function parseHexEndpoint(text: string): TcpEndpoint | null {
  const match = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (match === null) return null;
  const bytes: number[] = [];
  const hex = match[1] ?? '';
  for (let word = 0; word < hex.length; word += 8) {
    for (let byte = 3; byte >= 0; byte--) bytes.push(Number.parseInt(hex.slice(word + byte * 2, word + byte * 2 + 2), 16));
  }
  return { address: formatBytes(bytes), port: Number.parseInt(match[2] ?? '', 16) };
}

/** An address as Node or a URL writes it (`::1`, `[::1]`, `::ffff:127.0.0.1`, `127.0.0.1`), canonical as above. */
export function normalizeAddress(text: string): string | null {
  const address = text.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const v4 = parseIpv4(address);
  if (v4 !== null) return formatBytes(v4);
  const v6 = parseIpv6(address);
  return v6 === null ? null : formatBytes(v6);
}

/** True for 0.0.0.0 and ::, the addresses a listener bound to every interface shows. */
export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || /^(0000:){7}0000$/.test(address);
}

function formatBytes(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16).padStart(4, '0'));
  return groups.join(':');
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.map(Number);
}

function parseIpv6(text: string): number[] | null {
  // A trailing dotted quad (::ffff:127.0.0.1) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const quad = parseIpv4(text.slice(lastColon + 1));
  const [a = 0, b = 0, c = 0, d = 0] = quad ?? [];
  const hex = quad === null ? text : `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  if (!/^[0-9a-f:]+$/.test(hex) || hex.split('::').length > 2) return null;
  const [left = '', right] = hex.split('::');
  const toGroups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const leftGroups = toGroups(left);
  const rightGroups = right === undefined ? [] : toGroups(right);
  const missing = 8 - leftGroups.length - rightGroups.length;
  if (right === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...leftGroups, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightGroups];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}
