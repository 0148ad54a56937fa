/**
 * Samples the gateway's own connections to Slack's Socket Mode host: the host names resolved as the gateway
 * resolves them (dns.lookup, /etc/hosts included), the group's sockets from /proc, and `ss -tinHe` for how long
 * each has received nothing. Linux only; elsewhere every sample is null (the verdict then rests on the log and RPC).
 */
import { execFile } from 'node:child_process';
import { keepHeldByGroup, listEstablishedTo } from '../../gateway/socket-owner/read-socket-owner.js';
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

/** `socketPort`: Slack's Socket Mode port; another only for a test's own server. */
export function createSlackTransportReader(socketPort = SLACK_SOCKET_PORT): SlackTransportReader {
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
    // Loaded at the first Slack round: a node without Slack never holds node:dns/promises (0.9 MiB on Node 24).
    const { lookup } = process.getBuiltinModule('node:dns/promises');
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
      execFile('ss', ['-tinHe', 'state', 'established', 'dport', '=', `:${socketPort}`], { timeout: SS_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') hasSs = false;
        done(error ? null : parseSsTcpInfo(stdout));
      });
    });
  }

  return {
    async sample(gatewayPgid, hosts) {
      if (process.platform !== 'linux' || hosts.length === 0) return null;
      const toPort = listEstablishedTo(socketPort);
      if (toPort === null) return null;
      // No socket of the host to that port at all is none to Slack: no lookup and no walk of the gateway's fds.
      if (toPort.length === 0) return [];
      await resolve(hosts);
      if (addresses.size === 0) return null;
      const toSlack = toPort.filter((entry) => addresses.has(entry.remote.address));
      const entries = toSlack.length === 0 ? [] : keepHeldByGroup(gatewayPgid, toSlack);
      const info = entries.length === 0 ? null : await readTcpInfo();
      return entries.map((entry) => {
        const facts = info?.get(entry.inode);
        return { inode: entry.inode, lastReceiveAgoMs: facts?.lastReceiveAgoMs ?? null, unackedSegments: facts?.unackedSegments ?? 0, retransmits: facts?.retransmits ?? 0 };
      });
    },
  };
}
