/**
 * The gateway's own TCP connections to Slack's Socket Mode host, one sample per probe round. Pure.
 *
 * Why: @openclaw/slack 2026.9.6 runs @slack/socket-mode with auto-reconnect, and the SDK reconnects by itself
 * after a `disconnect` message, a close, a dropped TCP connection or a missed pong: it logs nothing (the plugin
 * drops the pong-timeout warnings) and the channel status keeps `connected: true` and its first
 * `lastConnectedAt`. Only the kernel sees the old socket go and a new one come.
 */
export interface SlackSocketFacts {
  inode: number;
  /** From `ss -ti` (lastrcv); null where it could not be read. */
  lastReceiveAgoMs: number | null;
  unackedSegments: number;
  retransmits: number;
}

export interface SlackTransport {
  /** The sockets of the last sample; null until a sample was taken (no /proc, no gateway pid yet). */
  sockets: SlackSocketFacts[] | null;
  /** The last sample's time. */
  sampledAtMs: number | null;
  /** True once this gateway was seen holding a socket: before that, an empty sample proves nothing. */
  hasHeldSocket: boolean;
  /** Since when the gateway holds no socket, after having held one; null while it holds one. */
  downSinceMs: number | null;
  /** When each socket ended (one per inode gone), for the flapping window: the SDK's silent reconnects. */
  endTimesMs: number[];
  /** Every socket seen, in order: the count of connects this gateway made. */
  seenInodes: number[];
}

const HOUR_MS = 3_600_000;
// Enough to tell a new socket from one seen before across an hour of reconnects.
const SEEN_LIMIT = 256;

export function createSlackTransport(): SlackTransport {
  return { sockets: null, sampledAtMs: null, hasHeldSocket: false, downSinceMs: null, endTimesMs: [], seenInodes: [] };
}

/** Folds one sample of the gateway's sockets to the Slack host in. */
export function applySlackTransportSample(transport: SlackTransport, sockets: readonly SlackSocketFacts[], atMs: number): SlackTransport {
  const now = new Set(sockets.map((socket) => socket.inode));
  const previous = transport.sockets ?? [];
  const ended = previous.filter((socket) => !now.has(socket.inode)).length;
  const fresh = sockets.filter((socket) => !transport.seenInodes.includes(socket.inode)).map((socket) => socket.inode);
  const hasHeldSocket = transport.hasHeldSocket || sockets.length > 0;
  return {
    sockets: [...sockets],
    sampledAtMs: atMs,
    hasHeldSocket,
    downSinceMs: sockets.length > 0 ? null : (transport.downSinceMs ?? (hasHeldSocket ? atMs : null)),
    endTimesMs: [...transport.endTimesMs.filter((timeMs) => atMs - timeMs < HOUR_MS), ...Array<number>(ended).fill(atMs)],
    seenInodes: [...transport.seenInodes, ...fresh].slice(-SEEN_LIMIT),
  };
}

/** What the kernel says of the link: null when it cannot say (no sample, or no socket ever seen for this gateway). */
export function readTransportLink(transport: SlackTransport): { isUp: boolean; silentMs: number | null } | null {
  if (transport.sockets === null || !transport.hasHeldSocket) return null;
  if (transport.sockets.length === 0) return { isUp: false, silentMs: null };
  // The freshest socket speaks for the link: during a reconnect the old one may linger a moment.
  const silences = transport.sockets.map((socket) => socket.lastReceiveAgoMs).filter((ms): ms is number => ms !== null);
  return { isUp: true, silentMs: silences.length === 0 ? null : Math.min(...silences) };
}
