/**
 * Samples the gateway's own connections to Slack's Socket Mode host: the host names resolved as the gateway
 * resolves them (dns.lookup, /etc/hosts included), the group's sockets from /proc, and `ss -tinHe` for how long
 * each has received nothing. Linux only; elsewhere every sample is null (the verdict then rests on the log and RPC).
 */
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { listGatewayConnectionsTo } from '../../gateway/socket-owner/read-socket-owner.js';
import { normalizeAddress } from '../../gateway/socket-owner/proc-net-tcp.js';
import type { SlackSocketFacts } from './slack-transport.js';
import { parseSsTcpInfo, type TcpInfo } from './ss-tcp-info.js';

const SLACK_SOCKET_PORT = 443;
// Slack's socket hosts move between addresses: re-resolved this often, and every address once seen is kept.
const RESOLVE_EVERY_MS = 300_000;
const SS_TIMEOUT_MS = 2_000;

export interface SlackTransportReader {
  /** The gateway group's sockets to the Slack host now, or null when this host cannot tell. */
  sample(gatewayPgid: number, hosts: readonly string[]): Promise<SlackSocketFacts[] | null>;
}

export function createSlackTransportReader(): SlackTransportReader {
  const addresses = new Set<string>();
  let resolvedAtMs = Number.NEGATIVE_INFINITY;
  let resolvedHosts = '';
  let hasSs = process.platform === 'linux';

  async function resolve(hosts: readonly string[]): Promise<void> {
    const key = hosts.join(',');
    if (key !== resolvedHosts) addresses.clear();
    if (key === resolvedHosts && Date.now() - resolvedAtMs < RESOLVE_EVERY_MS) return;
    resolvedHosts = key;
    resolvedAtMs = Date.now();
    await Promise.all(
      hosts.map(async (host) => {
        try {
          for (const { address } of await lookup(host, { all: true })) {
            const canonical = normalizeAddress(address);
            if (canonical !== null) addresses.add(canonical);
          }
        } catch {
          // Unresolvable now (offline): the addresses seen before still count.
        }
      }),
    );
  }

  function readTcpInfo(): Promise<Map<number, TcpInfo> | null> {
    if (!hasSs) return Promise.resolve(null);
    return new Promise((done) => {
      execFile('ss', ['-tinHe', 'state', 'established', 'dport', '=', `:${SLACK_SOCKET_PORT}`], { timeout: SS_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') hasSs = false;
        done(error ? null : parseSsTcpInfo(stdout));
      });
    });
  }

  return {
    async sample(gatewayPgid, hosts) {
      if (process.platform !== 'linux' || hosts.length === 0) return null;
      await resolve(hosts);
      if (addresses.size === 0) return null;
      const entries = listGatewayConnectionsTo(gatewayPgid, addresses, SLACK_SOCKET_PORT);
      if (entries === null) return null;
      const info = entries.length === 0 ? null : await readTcpInfo();
      return entries.map((entry) => {
        const facts = info?.get(entry.inode);
        return { inode: entry.inode, lastReceiveAgoMs: facts?.lastReceiveAgoMs ?? null, unackedSegments: facts?.unackedSegments ?? 0, retransmits: facts?.retransmits ?? 0 };
      });
    },
  };
}
