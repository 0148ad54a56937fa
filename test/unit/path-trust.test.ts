import { describe, expect, it } from 'vitest';
import { judgePathTrust, type PathNode } from '../../src/install/path-trust.js';

const trusted = { uids: [0, 1000], gids: [0, 1000] };
const dir = (path: string, uid = 0, mode = 0o755, gid = 0): PathNode => ({ path, uid, gid, mode, isDirectory: true });
const file = (path: string, uid = 0, mode = 0o755, gid = 0): PathNode => ({ path, uid, gid, mode, isDirectory: false });

describe('judgePathTrust', () => {
  it.each([
    { what: 'a root-owned binary in root-owned folders', chain: [dir('/'), dir('/usr'), dir('/usr/bin'), file('/usr/bin/node')], why: null },
    { what: "the run-as user's own nvm node", chain: [dir('/'), dir('/home'), dir('/home/gmk', 1000, 0o750, 1000), file('/home/gmk/node', 1000)], why: null },
    { what: "another user's binary", chain: [dir('/'), dir('/home'), dir('/home/bob', 1001), file('/home/bob/node', 1001)], why: '/home/bob is owned by uid 1001' },
    { what: "a root binary inside another user's folder", chain: [dir('/'), dir('/home/bob', 1001), file('/home/bob/node')], why: '/home/bob is owned by uid 1001' },
    { what: 'a world-writable folder', chain: [dir('/'), dir('/opt/shared', 0, 0o777), file('/opt/shared/node')], why: '/opt/shared is writable by everyone' },
    { what: 'a world-writable binary', chain: [dir('/'), file('/usr/bin/node', 0, 0o777)], why: '/usr/bin/node is writable by everyone' },
    { what: 'a root file under sticky /tmp', chain: [dir('/'), dir('/tmp', 0, 0o1777), dir('/tmp/clawsup'), file('/tmp/clawsup/node')], why: null },
    { what: "a folder an untrusted group writes", chain: [dir('/'), dir('/opt/node', 0, 0o775, 50), file('/opt/node/node')], why: '/opt/node is writable by group 50' },
    { what: "a folder the run-as user's group writes", chain: [dir('/'), dir('/opt/node', 0, 0o775, 1000), file('/opt/node/node')], why: null },
  ])('$what', ({ chain, why }) => {
    const verdict = judgePathTrust(chain, trusted);
    expect(verdict.isTrusted ? null : verdict.why).toBe(why);
  });
});
