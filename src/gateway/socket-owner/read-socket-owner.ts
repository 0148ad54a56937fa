/**
 * Who serves a connection, read from Linux's /proc: the socket table (/proc/net/tcp, tcp6) and the socket links of
 * the gateway's process group (/proc/PID/fd). The gateway is spawned detached, so its pid is its group's id and
 * its workers share it. Anywhere without /proc every answer is `unknown`.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { listProcPids, readProcStat } from '../process-identity.js';
import { redactSecrets } from '../redact.js';
import { normalizeAddress, parseProcNetTcp, type TcpSocketEntry } from './proc-net-tcp.js';
import {
  findOwnConnections,
  findServerSideInodes,
  judgeServerSide,
  listListenPorts,
  parseSocketLink,
  type PortHolder,
  type SocketOwner,
  type TcpConnection,
} from './socket-owner.js';

// A command line is evidence, not a log: a few hundred characters name the program.
const MAX_COMMAND_CHARS = 300;

/** Whether this platform lets clawsupd see who serves a connection (Linux, with /proc mounted). */
export function canSeeSocketOwners(): boolean {
  return process.platform === 'linux' && readSocketTable() !== null;
}

/** Who serves this connection (call it once connected, before anything secret is written to it). */
export function findConnectionOwner(connection: TcpConnection, gatewayPgid: number): SocketOwner {
  if (process.platform !== 'linux') return { owner: 'unknown', why: 'no /proc/net/tcp on this host' };
  // Each table costs the kernel a walk of its sockets: an IPv4 connection is served from tcp, or from tcp6 by a
  // dual-stack listener (v4-mapped); an IPv6 one from tcp6 only.
  const isIpv4 = normalizeAddress(connection.remoteAddress)?.includes('.') === true;
  let entries: TcpSocketEntry[] | null = null;
  let serverInodes: number[] | null = null;
  for (const path of isIpv4 ? [TCP4_TABLE, TCP6_TABLE] : [TCP6_TABLE]) {
    const table = readTable(path);
    if (table === null) continue;
    entries = table;
    serverInodes = findServerSideInodes(table, connection);
    if (serverInodes !== null) break;
  }
  if (entries === null) return { owner: 'unknown', why: 'no /proc/net/tcp on this host' };
  const verdict = judgeServerSide(serverInodes, readGroupSocketInodes(gatewayPgid));
  if (verdict.owner !== 'other') return verdict;
  return { owner: 'other', holder: findHolder(verdict.inode, `${connection.remoteAddress}:${connection.remotePort}`, entries, connection.remotePort) };
}

/**
 * For a client whose socket this process cannot reach (the WebSocket RPC): every connection of this process to
 * `host:port` must be served by the gateway's group; the one in use is among them.
 */
export function findOwnConnectionsOwner(target: { host: string; port: number }, gatewayPgid: number): SocketOwner {
  const entries = readSocketTable();
  if (entries === null) return { owner: 'unknown', why: 'no /proc/net/tcp on this host' };
  const isLiteral = /^[\d.]+$|:/.test(target.host);
  const own = findOwnConnections(entries, readProcessSocketInodes('self'), { address: isLiteral ? target.host : null, port: target.port });
  if (own.length === 0) return { owner: 'unknown', why: `no connection of clawsupd to ${target.host}:${target.port} found` };
  const gatewayInodes = readGroupSocketInodes(gatewayPgid);
  for (const entry of own) {
    const connection = { localAddress: entry.local.address, localPort: entry.local.port, remoteAddress: entry.remote.address, remotePort: entry.remote.port };
    const verdict = judgeServerSide(findServerSideInodes(entries, connection), gatewayInodes);
    if (verdict.owner === 'unknown') return verdict;
    if (verdict.owner === 'other') return { owner: 'other', holder: findHolder(verdict.inode, `${target.host}:${target.port}`, entries, target.port) };
  }
  return { owner: 'gateway' };
}

/** Every established connection of this host to `port`, whoever holds it; null where /proc cannot tell. */
export function listEstablishedTo(port: number): TcpSocketEntry[] | null {
  return readSocketTable()?.filter((entry) => entry.state === 'ESTABLISHED' && entry.remote.port === port) ?? null;
}

/** Those of `entries` whose socket the gateway's process group holds (a walk of /proc/PID/fd). */
export function keepHeldByGroup(gatewayPgid: number, entries: readonly TcpSocketEntry[]): TcpSocketEntry[] {
  const held = readGroupSocketInodes(gatewayPgid);
  return entries.filter((entry) => held.has(entry.inode));
}

/** The TCP ports the gateway's process group listens on; null where /proc cannot tell. */
export function listGatewayListenPorts(gatewayPgid: number): number[] | null {
  const entries = readSocketTable();
  return entries === null ? null : listListenPorts(entries, readGroupSocketInodes(gatewayPgid));
}

const TCP4_TABLE = '/proc/net/tcp';
const TCP6_TABLE = '/proc/net/tcp6';

function readSocketTable(): TcpSocketEntry[] | null {
  if (process.platform !== 'linux') return null;
  const tables = [readTable(TCP4_TABLE), readTable(TCP6_TABLE)];
  if (tables.every((table) => table === null)) return null;
  return tables.flatMap((table) => table ?? []);
}

function readTable(path: string): TcpSocketEntry[] | null {
  try {
    return parseProcNetTcp(readFileSync(path, 'utf8'));
  } catch {
    // No tcp6 on a host without IPv6; no /proc at all elsewhere.
    return null;
  }
}

function readGroupSocketInodes(pgid: number): Set<number> {
  const inodes = new Set<number>();
  for (const pid of listProcPids()) {
    if (readProcStat(pid)?.pgid !== pgid) continue;
    for (const inode of readProcessSocketInodes(pid)) inodes.add(inode);
  }
  return inodes;
}

function readProcessSocketInodes(pid: number | 'self'): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    // Gone, or not ours to read.
    return inodes;
  }
  for (const fd of fds) {
    try {
      const inode = parseSocketLink(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (inode !== null) inodes.add(inode);
    } catch {
      // Closed while we looked.
    }
  }
  return inodes;
}

// The last holder found: while an impostor stays, each probe round finds it again without reading every fd of the host.
let lastHolderPid: number | null = null;

/** The process holding a foreign socket: its own inode, else (a queued connection) the port's listener. */
function findHolder(inode: number, endpoint: string, entries: readonly TcpSocketEntry[], port: number): PortHolder {
  const listenerInodes = entries.filter((entry) => entry.state === 'LISTEN' && entry.local.port === port).map((entry) => entry.inode);
  const wanted = new Set([inode, ...listenerInodes].filter((candidate) => candidate !== 0));
  const holds = (pid: number): boolean => [...readProcessSocketInodes(pid)].some((held) => wanted.has(held));
  const candidates = lastHolderPid === null ? listProcPids() : [lastHolderPid, ...listProcPids()];
  const pid = candidates.find((candidate) => candidate !== process.pid && holds(candidate)) ?? null;
  lastHolderPid = pid;
  return { endpoint, pid, command: pid === null ? null : readCommand(pid) };
}

function readCommand(pid: number): string | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part.length > 0).join(' ');
    const command = argv.length > 0 ? argv : readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return command.length === 0 ? null : redactSecrets(command.slice(0, MAX_COMMAND_CHARS));
  } catch {
    return null;
  }
}
