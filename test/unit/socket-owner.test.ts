import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseHexEndpoint, parseProcNetTcp, parseProcNetTcpLine } from '../../src/gateway/socket-owner/proc-net-tcp.js';
import {
  describePortHolder,
  findOwnConnections,
  findServerSideInodes,
  formatPortHeldReason,
  judgeServerSide,
  listListenPorts,
  parseSocketLink,
} from '../../src/gateway/socket-owner/socket-owner.js';

// Real lines of this machine's /proc/net/tcp and tcp6: a listener, then both ends of one connection to it.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1545 1 0000000067bfe7ec 100 0 0 10 0
   1: 0100007F:A8AD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 129593 1 000000000e3423a1 100 0 0 10 0
  20: 0100007F:A8AD 0100007F:A16A 01 00000000:00000000 00:00000000 00000000     0        0 129595 1 0000000037c28164 20 0 0 10 -1
  22: 0100007F:A16A 0100007F:A8AD 01 00000000:00000000 00:00000000 00000000     0        0 129594 2 0000000013a1496a 20 0 0 10 -1
   2: 0100007F:839B 0100007F:C750 06 00000000:00000000 03:0000033E 00000000     0        0 0 3 000000007ab11ac4
  19: 0100007F:811C 0100007F:ACEB 01 00000000:00000000 00:00000000 00000000     0        0 129597 2 00000000d0f3fc66 20 0 0 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:8179 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 129589 1 00000000a8049bb3 100 0 0 10 0
   1: 00000000000000000000000001000000:8179 00000000000000000000000001000000:ADC6 01 00000000:00000000 00:00000000 00000000     0        0 129591 1 00000000aa8c537a 20 0 0 10 -1
   2: 00000000000000000000000001000000:ADC6 00000000000000000000000001000000:8179 01 00000000:00000000 00:00000000 00000000     0        0 129590 2 00000000076edec0 20 0 0 10 -1
   3: 00000000000000000000000000000000:ACEB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 129596 1 00000000ea832719 100 0 0 10 0
   4: 0000000000000000FFFF00000100007F:ACEB 0000000000000000FFFF00000100007F:811C 01 00000000:00000000 00:00000000 00000000     0        0 129598 1 0000000000edffed 20 0 0 10 -1
`;
const LOOPBACK6 = '0000:0000:0000:0000:0000:0000:0000:0001';
const entries = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];

describe('parseProcNetTcpLine', () => {
  it.each([
    ['an IPv4 listener on every interface', TCP.split('\n')[1], { local: { address: '0.0.0.0', port: 2024 }, remote: { address: '0.0.0.0', port: 0 }, state: 'LISTEN', uid: 0, inode: 1545 }],
    ['an IPv4 connection, server side', TCP.split('\n')[3], { local: { address: '127.0.0.1', port: 43181 }, remote: { address: '127.0.0.1', port: 41322 }, state: 'ESTABLISHED', inode: 129595 }],
    ['a TIME_WAIT socket no process holds', TCP.split('\n')[5], { local: { address: '127.0.0.1', port: 33691 }, state: 'TIME_WAIT', inode: 0 }],
    ['an IPv6 loopback listener', TCP6.split('\n')[1], { local: { address: LOOPBACK6, port: 33145 }, state: 'LISTEN', inode: 129589 }],
    ['an IPv6 connection, client side', TCP6.split('\n')[3], { local: { address: LOOPBACK6, port: 44486 }, remote: { address: LOOPBACK6, port: 33145 }, state: 'ESTABLISHED', inode: 129590 }],
    ['a v4-mapped server side of a dual-stack listener', TCP6.split('\n')[5], { local: { address: '127.0.0.1', port: 44267 }, remote: { address: '127.0.0.1', port: 33052 }, inode: 129598 }],
  ])('%s', (_name, line, expected) => {
    expect(parseProcNetTcpLine(line ?? '')).toMatchObject(expected);
  });

  it.each([
    ['the header', TCP.split('\n')[0]],
    ['an empty line', ''],
    ['a truncated line', '   0: 0100007F:A8AD 00000000:0000 0A'],
    ['a bad address', '   0: 0100007G:A8AD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1'],
    ['a bad state', '   0: 0100007F:A8AD 00000000:0000 XYZ 00000000:00000000 00:00000000 00000000     0        0 1 1'],
  ])('skips %s', (_name, line) => {
    expect(parseProcNetTcpLine(line ?? '')).toBeNull();
  });

  it('reads every socket line of both files', () => {
    expect(parseProcNetTcp(TCP)).toHaveLength(6);
    expect(parseProcNetTcp(TCP6)).toHaveLength(5);
  });
});

describe('parseHexEndpoint and normalizeAddress', () => {
  it.each([
    ['0100007F:1F90', { address: '127.0.0.1', port: 8080 }],
    ['00000000000000000000000001000000:0050', { address: LOOPBACK6, port: 80 }],
    ['B80D0120000000000000000001000000:01BB', { address: '2001:0db8:0000:0000:0000:0000:0000:0001', port: 443 }],
    ['0100007F:1F9', null],
    ['0100007F', null],
  ])('%s', (text, expected) => {
    expect(parseHexEndpoint(text)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', LOOPBACK6],
    ['[::1]', LOOPBACK6],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
    ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001'],
    ['::', '0000:0000:0000:0000:0000:0000:0000:0000'],
    ['localhost', null],
    ['256.0.0.1', null],
    ['1::2::3', null],
    ['1:2:3:4:5:6:7:8:9', null],
  ])('%s -> %s', (text, expected) => {
    expect(normalizeAddress(text)).toBe(expected);
  });
});

describe('findServerSideInodes', () => {
  const queued = parseProcNetTcp(`${TCP.split('\n')[0]}
   1: 0100007F:A8AD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 129593 1 0 100 0 0 10 0
  20: 0100007F:A8AD 0100007F:A16A 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 0 0 10 -1
  22: 0100007F:A16A 0100007F:A8AD 01 00000000:00000000 00:00000000 00000000     0        0 129594 2 0 20 0 0 10 -1
`);
  it.each([
    ['the accepted IPv4 socket', entries, { localAddress: '127.0.0.1', localPort: 41322, remoteAddress: '127.0.0.1', remotePort: 43181 }, [129595]],
    ['the accepted IPv6 socket', entries, { localAddress: '::1', localPort: 44486, remoteAddress: '::1', remotePort: 33145 }, [129591]],
    ['a v4 client served by a dual-stack listener (server side in tcp6)', entries, { localAddress: '127.0.0.1', localPort: 33052, remoteAddress: '127.0.0.1', remotePort: 44267 }, [129598]],
    ['a connection still in the accept queue: its listener', queued, { localAddress: '127.0.0.1', localPort: 41322, remoteAddress: '127.0.0.1', remotePort: 43181 }, [129593]],
    ['a peer on another host', entries, { localAddress: '10.0.0.5', localPort: 50000, remoteAddress: '10.0.0.9', remotePort: 18789 }, null],
    ['an address Node never gives', entries, { localAddress: 'nonsense', localPort: 1, remoteAddress: '127.0.0.1', remotePort: 43181 }, null],
  ])('%s', (_name, table, connection, expected) => {
    expect(findServerSideInodes(table, connection)).toEqual(expected);
  });
});

describe('judgeServerSide', () => {
  it.each([
    ['held by the gateway group', [129595], [129595, 7], { owner: 'gateway' }],
    ['held by another process', [129595], [7], { owner: 'other', inode: 129595 }],
    ['one of two listeners foreign', [1, 2], [1], { owner: 'other', inode: 2 }],
    ['not on this host', null, [1], { owner: 'unknown' }],
  ])('%s', (_name, server, group, expected) => {
    expect(judgeServerSide(server, new Set(group))).toMatchObject(expected);
  });
});

describe('the rest', () => {
  it('lists the ports a set of sockets listens on, sorted, once', () => {
    expect(listListenPorts(entries, new Set([129593, 129589, 129595, 129596]))).toEqual([33145, 43181, 44267]);
  });

  it('finds our own connections to a port, by address when given', () => {
    expect(findOwnConnections(entries, new Set([129594, 129590]), { address: null, port: 43181 }).map((e) => e.inode)).toEqual([129594]);
    expect(findOwnConnections(entries, new Set([129594, 129590]), { address: '::1', port: 33145 }).map((e) => e.inode)).toEqual([129590]);
    expect(findOwnConnections(entries, new Set([129594]), { address: '::1', port: 43181 })).toEqual([]);
  });

  it.each([
    ['socket:[129595]', 129595],
    ['pipe:[12]', null],
    ['/dev/null', null],
  ])('reads the fd link %s', (link, inode) => {
    expect(parseSocketLink(link)).toBe(inode);
  });

  it('says who holds the port, in the reason and the detail', () => {
    const holder = { endpoint: '127.0.0.1:18789', pid: 4242, command: 'node impostor.mjs' };
    expect(formatPortHeldReason(holder)).toBe('port-held-by-another-process:pid=4242');
    expect(formatPortHeldReason({ ...holder, pid: null })).toBe('port-held-by-another-process');
    expect(describePortHolder(holder)).toBe("port-held-by-another-process: 127.0.0.1:18789 is served by pid 4242 (node impostor.mjs), not by the gateway's process group");
    expect(describePortHolder({ ...holder, pid: null, command: null })).toContain('a process clawsupd cannot see');
  });
});
