/**
 * Who serves a TCP connection, from the kernel's socket table and the socket inodes a process group holds. Pure:
 * read-socket-owner.ts gathers the facts from /proc.
 */
import { isWildcardAddress, normalizeAddress, type TcpEndpoint, type TcpSocketEntry } from './proc-net-tcp.js';

/** One connection as its client (clawsupd) sees it: Node's socket.localAddress/localPort/remoteAddress/remotePort. */
export interface TcpConnection {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/** A listener that is not the gateway's: what an operator needs to find it. */
export interface PortHolder {
  /** `127.0.0.1:18789`, as the connection dialled it. */
  endpoint: string;
  pid: number | null;
  command: string | null;
}

export type SocketOwner = { owner: 'gateway' } | { owner: 'other'; holder: PortHolder } | { owner: 'unknown'; why: string };

/**
 * The socket inodes that can be the server side of `connection`: the accepted socket itself, or, while the
 * connection still waits in an accept queue (inode 0), every listener it may wait in. Null when the server side
 * is not in this table (another host, another network namespace).
 */
export function findServerSideInodes(entries: readonly TcpSocketEntry[], connection: TcpConnection): number[] | null {
  const local = toEndpoint(connection.localAddress, connection.localPort);
  const remote = toEndpoint(connection.remoteAddress, connection.remotePort);
  if (local === null || remote === null) return null;
  const serverSide = entries.find((entry) => entry.state !== 'LISTEN' && isSame(entry.local, remote) && isSame(entry.remote, local));
  if (serverSide === undefined) return null;
  if (serverSide.inode !== 0) return [serverSide.inode];
  const listeners = entries.filter((entry) => entry.state === 'LISTEN' && entry.local.port === remote.port && (isSame(entry.local, remote) || isWildcardAddress(entry.local.address)));
  return listeners.length === 0 ? null : listeners.map((entry) => entry.inode);
}

/** The client-side entries of our own connections to `port` (and `address`, when given as an IP literal). */
export function findOwnConnections(entries: readonly TcpSocketEntry[], ownInodes: ReadonlySet<number>, target: { address: string | null; port: number }): TcpSocketEntry[] {
  const address = target.address === null ? null : normalizeAddress(target.address);
  return entries.filter((entry) => entry.state === 'ESTABLISHED' && ownInodes.has(entry.inode) && entry.remote.port === target.port && (address === null || entry.remote.address === address));
}

export type InodeVerdict = { owner: 'gateway' } | { owner: 'other'; inode: number } | { owner: 'unknown'; why: string };

/** Gateway only when every candidate server-side socket is held by the gateway's process group. */
export function judgeServerSide(serverInodes: readonly number[] | null, gatewayInodes: ReadonlySet<number>): InodeVerdict {
  if (serverInodes === null || serverInodes.length === 0) return { owner: 'unknown', why: 'the server side of the connection is not on this host' };
  const foreign = serverInodes.find((inode) => !gatewayInodes.has(inode));
  return foreign === undefined ? { owner: 'gateway' } : { owner: 'other', inode: foreign };
}

/** The TCP ports the given sockets listen on, sorted, each once. */
export function listListenPorts(entries: readonly TcpSocketEntry[], inodes: ReadonlySet<number>): number[] {
  const ports = new Set(entries.filter((entry) => entry.state === 'LISTEN' && inodes.has(entry.inode)).map((entry) => entry.local.port));
  return [...ports].sort((a, b) => a - b);
}

/** The inode of a `/proc/PID/fd/N` link that names a socket (`socket:[12345]`), else null. */
export function parseSocketLink(link: string): number | null {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? null : Number(match[1]);
}

/** `port-held-by-another-process:pid=1234`: the reason status.json lists. */
export function formatPortHeldReason(holder: PortHolder): string {
  return holder.pid === null ? 'port-held-by-another-process' : `port-held-by-another-process:pid=${holder.pid}`;
}

/** The probe detail: where, and who, when the kernel let us see it. */
export function describePortHolder(holder: PortHolder): string {
  const who = holder.pid === null ? 'a process clawsupd cannot see' : `pid ${holder.pid}${holder.command === null ? '' : ` (${holder.command})`}`;
  return `port-held-by-another-process: ${holder.endpoint} is served by ${who}, not by the gateway's process group`;
}

function toEndpoint(address: string, port: number): TcpEndpoint | null {
  const canonical = normalizeAddress(address);
  return canonical === null || !Number.isInteger(port) ? null : { address: canonical, port };
}

function isSame(a: TcpEndpoint, b: TcpEndpoint): boolean {
  return a.port === b.port && a.address === b.address;
}
