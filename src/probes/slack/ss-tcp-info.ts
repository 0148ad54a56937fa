/** The kernel's per-socket TCP facts as `ss -tinHe` prints them (iproute2), keyed by socket inode. Pure. */
export interface TcpInfo {
  inode: number;
  /** Milliseconds since the kernel last received data on the socket (`lastrcv`). */
  lastReceiveAgoMs: number | null;
  lastSendAgoMs: number | null;
  /** Segments sent and not acknowledged (`unacked`, absent when 0). */
  unackedSegments: number;
  /** Retransmissions of the segment now outstanding (`retrans:now/total`). */
  retransmits: number;
  /** Bytes queued and not yet acknowledged by the peer (the Send-Q column). */
  sendQueueBytes: number;
}

/** Each socket is a line with `ino:N` and, with -i, a tab-indented line of its facts. */
export function parseSsTcpInfo(text: string): Map<number, TcpInfo> {
  const found = new Map<number, TcpInfo>();
  let current: TcpInfo | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      const inode = /\bino:(\d+)/.exec(line)?.[1];
      // With a state filter the columns are Recv-Q, Send-Q, local, peer.
      const sendQueue = /^(\d+)\s+(\d+)\s/.exec(line)?.[2];
      current = inode === undefined ? null : { inode: Number(inode), lastReceiveAgoMs: null, lastSendAgoMs: null, unackedSegments: 0, retransmits: 0, sendQueueBytes: Number(sendQueue ?? 0) };
      if (current !== null) found.set(current.inode, current);
      continue;
    }
    if (current === null) continue;
    current.lastReceiveAgoMs = readNumber(line, 'lastrcv') ?? current.lastReceiveAgoMs;
    current.lastSendAgoMs = readNumber(line, 'lastsnd') ?? current.lastSendAgoMs;
    current.unackedSegments = readNumber(line, 'unacked') ?? current.unackedSegments;
    const retrans = /\bretrans:(\d+)\/\d+/.exec(line)?.[1];
    if (retrans !== undefined) current.retransmits = Number(retrans);
  }
  return found;
}

function readNumber(line: string, key: string): number | null {
  const value = new RegExp(`\\b${key}:(\\d+)`).exec(line)?.[1];
  return value === undefined ? null : Number(value);
}
