import { describe, expect, it } from 'vitest';
import { createFailureThrottle, delayAfterFailures, THROTTLE_RULES, throttleKeyOf, type ThrottleRules } from '../../src/http/failure-throttle.js';
import { isAllowedHost } from '../../src/http/host-check.js';
import { decideRequest } from '../../src/http/request-decision.js';
import { createSessionTable } from '../../src/http/session-table.js';
import { decideCredential, formatSessionCookie, locationWithoutToken, readCookie, readQueryToken, sessionCookieName, type CredentialFacts } from '../../src/http/sign-in.js';

describe('decideCredential', () => {
  const none: CredentialFacts = { isTokenConfigured: true, bearer: 'none', query: 'none', session: 'none', retryAfterMs: 0 };
  it.each([
    ['no token configured: nothing to check', { ...none, isTokenConfigured: false, bearer: 'wrong' }, null],
    ['nothing sent', none, 'missing'],
    ['the right bearer token', { ...none, bearer: 'right' }, 'right'],
    ['a wrong bearer token', { ...none, bearer: 'wrong' }, 'wrong'],
    ['the bearer header wins over the query', { ...none, bearer: 'right', query: 'wrong' }, 'right'],
    ['the right ?token= signs a browser in', { ...none, query: 'right' }, 'sign-in'],
    ['a wrong ?token= is refused (no cookie)', { ...none, query: 'wrong' }, 'wrong'],
    ['the right ?token= with a session signs in again (the redirect drops the token from the URL)', { ...none, query: 'right', session: 'valid' }, 'sign-in'],
    ['a valid session cookie', { ...none, session: 'valid' }, 'right'],
    ['an unknown or expired session cookie', { ...none, session: 'unknown' }, 'missing'],
    ['a try while the address must wait is refused unchecked, even the right token', { ...none, bearer: 'right', retryAfterMs: 500 }, 'throttled'],
    ['a ?token= try while the address must wait', { ...none, query: 'right', retryAfterMs: 500 }, 'throttled'],
    ['a valid session passes while its address must wait', { ...none, session: 'valid', retryAfterMs: 500 }, 'right'],
    ['nothing sent while the address must wait: asked for the token', { ...none, retryAfterMs: 500 }, 'missing'],
  ] as const)('%s', (_name, facts, expected) => {
    expect(decideCredential(facts)).toBe(expected);
  });
});

describe('decideRequest with sign-in, the throttle and the Host check', () => {
  const paths = ['/', '/api/v1/view'];
  it.each([
    ['a sign-in on a served path', { method: 'GET', url: '/?token=x', token: 'sign-in' }, { action: 'sign-in', path: '/' }],
    ['a sign-in on an unknown path is a 404, not a cookie', { method: 'GET', url: '/nope?token=x', token: 'sign-in' }, { action: 'refuse', statusCode: 404 }],
    ['a sign-in with POST is a 405', { method: 'POST', url: '/?token=x', token: 'sign-in' }, { action: 'refuse', statusCode: 405 }],
    ['throttled: 429 with Retry-After in whole seconds', { method: 'GET', url: '/', token: 'throttled', retryAfterMs: 1_200 }, { action: 'refuse', statusCode: 429, headers: { 'retry-after': '2' } }],
    ['a Host that is not loopback without a token', { method: 'GET', url: '/', token: null, isHostAllowed: false }, { action: 'refuse', statusCode: 403 }],
    ['a write method on an API path', { method: 'DELETE', url: '/api/v1/view', token: 'right' }, { action: 'refuse', statusCode: 405, headers: { allow: 'GET, HEAD' } }],
  ] as const)('%s', (_name, facts, expected) => {
    expect(decideRequest({ ...facts, paths })).toMatchObject(expected);
  });

  it('tells a browser how to sign in when the token is missing', () => {
    expect(decideRequest({ method: 'GET', url: '/', token: 'missing', paths })).toMatchObject({ statusCode: 401, message: expect.stringContaining('/?token=') });
  });
});

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:10189', false, true], ['localhost:10189', false, true], ['[::1]:10189', false, true], ['127.0.0.1', false, true], [undefined, false, true],
    ['evil.example:10189', false, false], ['localhost.evil.example', false, false], ['10.0.0.5:10189', false, false], ['[::1', false, false],
    ['evil.example:10189', true, true], ['node-3.lan:10189', true, true],
    // Only a whole host[:port] counts: a loopback name followed by anything else is not one.
    ['127.0.0.1:10189.evil.example', false, false], ['[::1].evil.example', false, false], ['[::1]:10189x', false, false], ['localhost:', false, false],
    ['LOCALHOST:10189', false, true], ['[0:0:0:0:0:0:0:1]:10189', false, true], ['', false, false],
  ] as const)('Host %j with a token %s: %s', (host, isTokenConfigured, expected) => {
    expect(isAllowedHost(host, isTokenConfigured)).toBe(expected);
  });
});

describe('the sign-in URL and cookie', () => {
  it.each([
    ['/?token=abc', 'abc'], ['/?a=1&token=abc', 'abc'], ['/?token=a%2Bb', 'a+b'], ['/', null], ['/?tokens=abc', null], ['/#token=abc', null],
  ])('readQueryToken(%j) is %j', (url, expected) => {
    expect(readQueryToken(url)).toBe(expected);
  });

  it.each([
    ['/?token=abc', '/'], ['/?a=1&token=abc&b=2', '/?a=1&b=2'], ['/api/v1/view?token=x', '/api/v1/view'],
    // Never another host: "//evil.example/" in a Location header is a redirect to evil.example.
    ['//evil.example/?token=abc', '/evil.example/'], ['/\\evil.example?token=abc', '/evil.example'], ['?token=abc', '/'],
  ])('locationWithoutToken(%j) is %j', (url, expected) => {
    expect(locationWithoutToken(url)).toBe(expected);
  });

  it.each([
    [undefined, null], ['', null], ['clawsup_session_10189=abc', 'abc'], ['a=1; clawsup_session_10189=abc; b=2', 'abc'],
    ['clawsup_session_10190=abc', null], ['xclawsup_session_10189=abc', null],
  ])('readCookie(%j) is %j', (header, expected) => {
    expect(readCookie(header, sessionCookieName(10189))).toBe(expected);
  });

  it('sets an HttpOnly, SameSite=Strict cookie for the whole listener, Secure only over TLS, expiring with the session', () => {
    const cookie = { name: 'clawsup_session_1', id: 'opaque', maxAgeMs: 43_200_000 };
    expect(formatSessionCookie({ ...cookie, isSecure: false })).toBe('clawsup_session_1=opaque; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict');
    expect(formatSessionCookie({ ...cookie, isSecure: true })).toBe('clawsup_session_1=opaque; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure');
  });
});

describe('the session table', () => {
  it('knows a session until it expires, then forgets it', () => {
    const sessions = createSessionTable({ ttlMs: 1_000, maxSessions: 4 });
    sessions.add('a', 0);
    expect(sessions.isValid('a', 999)).toBe(true);
    expect(sessions.isValid('b', 999)).toBe(false);
    expect(sessions.isValid('a', 1_000)).toBe(false);
    expect(sessions.size()).toBe(0);
  });

  it('holds at most maxSessions: the oldest goes first', () => {
    const sessions = createSessionTable({ ttlMs: 10_000, maxSessions: 3 });
    for (const [index, id] of ['a', 'b', 'c', 'd', 'e'].entries()) sessions.add(id, index);
    expect(sessions.size()).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => sessions.isValid(id, 10))).toEqual([false, false, true, true, true]);
  });

  it('drops expired sessions when one is added, and clear() signs every browser out', () => {
    const sessions = createSessionTable({ ttlMs: 100, maxSessions: 3 });
    sessions.add('a', 0);
    sessions.add('b', 50);
    sessions.add('c', 120);
    expect(sessions.size()).toBe(2);
    sessions.clear();
    expect(sessions.isValid('c', 121)).toBe(false);
  });
});

describe('the failure throttle', () => {
  const rules: ThrottleRules = { freeFailures: 3, firstDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000, maxAddresses: 2 };

  it.each([
    [0, 0], [2, 0], [3, 1_000], [4, 2_000], [5, 4_000], [6, 8_000], [7, 8_000], [1_000, 8_000],
  ])('after %i failures the next try waits %i ms', (failures, delayMs) => {
    expect(delayAfterFailures(failures, rules)).toBe(delayMs);
  });

  it('lets the free failures through, then makes the address wait, doubling; others are not slowed', () => {
    const throttle = createFailureThrottle(rules);
    for (const atMs of [0, 10, 20]) {
      expect(throttle.retryAfterMs('1.2.3.4', atMs)).toBe(0);
      throttle.recordFailure('1.2.3.4', atMs);
    }
    expect(throttle.retryAfterMs('1.2.3.4', 20)).toBe(1_000);
    expect(throttle.retryAfterMs('1.2.3.4', 520)).toBe(500);
    expect(throttle.retryAfterMs('5.6.7.8', 520)).toBe(0);
    throttle.recordFailure('1.2.3.4', 1_020);
    expect(throttle.retryAfterMs('1.2.3.4', 1_020)).toBe(2_000);
  });

  it('forgets an address after a success, or after forgetAfterMs without a failure', () => {
    const throttle = createFailureThrottle(rules);
    for (let i = 0; i < 5; i += 1) throttle.recordFailure('a', 0);
    throttle.recordSuccess('a');
    expect(throttle.retryAfterMs('a', 1)).toBe(0);
    for (let i = 0; i < 10; i += 1) throttle.recordFailure('b', 0);
    expect(throttle.retryAfterMs('b', 59_999)).toBe(0);
    expect(throttle.retryAfterMs('b', 7_999)).toBeGreaterThan(0);
    throttle.recordFailure('b', 60_000);
    expect(throttle.retryAfterMs('b', 60_000)).toBe(0);
  });

  it('remembers at most maxAddresses: the one that failed longest ago is forgotten', () => {
    const throttle = createFailureThrottle(rules);
    for (const key of ['a', 'a', 'a', 'b', 'b', 'b']) throttle.recordFailure(key, 0);
    expect([throttle.retryAfterMs('a', 0), throttle.retryAfterMs('b', 0)]).toEqual([1_000, 1_000]);
    // 'c' pushes out 'a', whose last failure is the oldest.
    throttle.recordFailure('c', 1);
    expect(throttle.size()).toBe(2);
    expect([throttle.retryAfterMs('a', 1), throttle.retryAfterMs('b', 1)]).toEqual([0, 999]);
  });

  it('keeps its default memory small: a thousand addresses', () => {
    const throttle = createFailureThrottle(THROTTLE_RULES);
    for (let i = 0; i < 5_000; i += 1) throttle.recordFailure(`10.0.${i >> 8}.${i & 255}`, i);
    expect(throttle.size()).toBe(THROTTLE_RULES.maxAddresses);
  });

  it.each([
    ['127.0.0.1', 'loopback'], ['::ffff:10.1.2.3', '10.1.2.3'], ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'], ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'], ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64'], [undefined, 'unknown'],
    // Every loopback source is one local host, whichever of 127.0.0.0/8 or ::1 a local user sends from.
    ['127.0.0.2', 'loopback'], ['127.255.1.9', 'loopback'], ['::ffff:127.0.0.7', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', '0:0:0:0::/64'], ['::11', '0:0:0:0::/64'], ['128.0.0.1', '128.0.0.1'], ['::ffff:128.0.0.1', '128.0.0.1'],
  ])('throttleKeyOf(%j) is %j', (address, key) => {
    expect(throttleKeyOf(address)).toBe(key);
  });
});
