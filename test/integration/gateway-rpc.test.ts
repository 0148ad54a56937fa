import { afterEach, describe, expect, it } from 'vitest';
import { callGatewayRpc, GatewayRpcError } from '../../src/probes/slack/gateway-rpc.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWsServer, type WsPeer, type WsServer } from '../helpers/ws-server.js';

const TOKEN = `rpc-test-token-${process.pid}`;
const CHALLENGE = { type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } };
const HELLO = { type: 'hello-ok', protocol: 4 };

let server: WsServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

type Frame = Record<string, any>;
interface GatewayScript {
  onConnection?(peer: WsPeer): void;
  onConnect?(peer: WsPeer, frame: Frame): void;
  onCall?(peer: WsPeer, frame: Frame): void;
}

/** A gateway that speaks the handshake as 2026.9.6 does, unless the script says otherwise. */
async function startGateway(script: GatewayScript = {}): Promise<{ url: string; peers: WsPeer[] }> {
  server = await startWsServer({
    onConnection: script.onConnection ?? ((peer) => peer.sendJson(CHALLENGE)),
    onFrame(peer, raw) {
      const frame = raw as Frame;
      if (frame['method'] === 'connect') {
        if (script.onConnect) return script.onConnect(peer, frame);
        return peer.sendJson({ type: 'res', id: frame['id'], ok: true, payload: HELLO });
      }
      if (script.onCall) return script.onCall(peer, frame);
      peer.sendJson({ type: 'res', id: frame['id'], ok: true, payload: { method: frame['method'], params: frame['params'] } });
    },
  });
  return { url: `ws://127.0.0.1:${server.port}`, peers: server.peers };
}

async function rejectionOf(promise: Promise<unknown>): Promise<GatewayRpcError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayRpcError);
  return error as GatewayRpcError;
}

describe('callGatewayRpc against a scripted gateway', () => {
  it('sends the connect the gateway accepts without a device, then the call, and returns its payload', async () => {
    const { url, peers } = await startGateway();
    const result = await callGatewayRpc({ url, token: TOKEN, method: 'channels.status', params: { probe: false }, clientVersion: '1.2.3' });
    expect(result).toEqual({ method: 'channels.status', params: { probe: false } });
    const [connect, call] = peers[0]!.received as Frame[];
    expect(connect).toEqual({
      type: 'req',
      id: expect.stringMatching(/^connect-/),
      method: 'connect',
      params: {
        minProtocol: 4,
        maxProtocol: 4,
        client: { id: 'gateway-client', displayName: 'clawsup', version: '1.2.3', platform: process.platform, mode: 'backend' },
        role: 'operator',
        scopes: ['operator.read'],
        auth: { token: TOKEN },
      },
    });
    expect(call).toEqual({ type: 'req', id: expect.stringMatching(/^call-/), method: 'channels.status', params: { probe: false } });
    expect(peers[0]!.received).toHaveLength(2);
  });

  it('asks for the scopes it is given, reports version 0.0.0 without one, and sends {} params by default', async () => {
    const { url, peers } = await startGateway();
    await callGatewayRpc({ url, token: TOKEN, method: 'health', scopes: ['operator.read', 'operator.write'] });
    const [connect, call] = peers[0]!.received as Frame[];
    expect(connect!['params'].scopes).toEqual(['operator.read', 'operator.write']);
    expect(connect!['params'].client.version).toBe('0.0.0');
    expect(call!['params']).toEqual({});
  });

  it('dials an http:// URL as ws:// on the same host and port', async () => {
    const { peers } = await startGateway();
    await callGatewayRpc({ url: `http://127.0.0.1:${server!.port}/healthz`, token: TOKEN, method: 'health' });
    expect(peers).toHaveLength(1);
  });

  it('ignores events and answers to other ids, answers a repeated challenge once, and reads binary JSON frames', async () => {
    const { url, peers } = await startGateway({
      onConnection(peer) {
        peer.sendJson({ type: 'event', event: 'tick', payload: {} });
        peer.sendJson(CHALLENGE);
        peer.sendJson(CHALLENGE);
      },
      onConnect(peer, frame) {
        peer.sendJson({ type: 'res', id: 'someone-else', ok: false, error: { code: 'X', message: 'not yours' } });
        peer.sendBinary(Buffer.from(JSON.stringify({ type: 'res', id: frame['id'], ok: true, payload: HELLO })));
      },
      onCall(peer, frame) {
        peer.sendJson({ type: 'event', event: 'presence', payload: {} });
        peer.sendJson({ type: 'res', id: frame['id'], ok: true, payload: { ok: true } });
      },
    });
    await expect(callGatewayRpc({ url, token: TOKEN, method: 'health' })).resolves.toEqual({ ok: true });
    expect((peers[0]!.received as Frame[]).map((f) => f['method'])).toEqual(['connect', 'health']);
  });

  it.each([
    [
      'a wrong token is auth, not retryable',
      { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } },
      { kind: 'auth', code: 'INVALID_REQUEST', detailCode: 'AUTH_TOKEN_MISMATCH', retryable: false },
      'connect refused [INVALID_REQUEST/AUTH_TOKEN_MISMATCH]: unauthorized',
    ],
    [
      'NOT_PAIRED is auth',
      { code: 'NOT_PAIRED', message: 'pair this device' },
      { kind: 'auth', code: 'NOT_PAIRED', detailCode: undefined, retryable: false },
      'connect refused [NOT_PAIRED]: pair this device',
    ],
    [
      'a starting gateway is unavailable and retryable',
      { code: 'UNAVAILABLE', message: 'gateway starting' },
      { kind: 'unavailable', code: 'UNAVAILABLE', retryable: true },
      'connect refused [UNAVAILABLE]: gateway starting',
    ],
    [
      'the gateway\'s own retryable:false wins',
      { code: 'UNAVAILABLE', message: 'draining', retryable: false, retryAfterMs: 500 },
      { kind: 'unavailable', retryable: false },
      'connect refused [UNAVAILABLE]: draining',
    ],
    [
      'a protocol mismatch is protocol',
      { code: 'PROTOCOL_MISMATCH' },
      { kind: 'protocol', code: 'PROTOCOL_MISMATCH', retryable: false },
      'connect refused [PROTOCOL_MISMATCH]: no message',
    ],
  ])('classifies a refused connect: %s', async (_label, error, expected, detail) => {
    const { url } = await startGateway({ onConnect: (peer, frame) => peer.sendJson({ type: 'res', id: frame['id'], ok: false, error }) });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'channels.status' }));
    expect(rejected).toMatchObject(expected);
    expect(rejected.message).toBe(`gateway rpc channels.status to ${url}: ${detail}`);
    expect(rejected.name).toBe('GatewayRpcError');
  });

  it.each([
    ['FORBIDDEN is rpc', { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE' } }, { kind: 'rpc', code: 'FORBIDDEN', detailCode: 'MISSING_SCOPE', retryable: false }, 'call failed [FORBIDDEN/MISSING_SCOPE]: missing scope: operator.admin'],
    ['UNAVAILABLE is unavailable', { code: 'UNAVAILABLE', message: 'later' }, { kind: 'unavailable', retryable: true }, 'call failed [UNAVAILABLE]: later'],
    ['an auth detail code in a call is still rpc', { code: 'INVALID_REQUEST', message: 'm', details: { code: 'AUTH_X' } }, { kind: 'rpc', retryable: false }, 'call failed [INVALID_REQUEST/AUTH_X]: m'],
    ['retryable:true from the gateway is kept', { message: 'try again', retryable: true }, { kind: 'rpc', code: undefined, retryable: true }, 'call failed: try again'],
  ])('classifies a failed call: %s', async (_label, error, expected, detail) => {
    const { url } = await startGateway({ onCall: (peer, frame) => peer.sendJson({ type: 'res', id: frame['id'], ok: false, error }) });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'channels.status' }));
    expect(rejected).toMatchObject(expected);
    expect(rejected.message).toBe(`gateway rpc channels.status to ${url}: ${detail}`);
  });

  it('never lets the token into a message, even when the gateway echoes it', async () => {
    const { url } = await startGateway({
      onConnect: (peer, frame) => peer.sendJson({ type: 'res', id: frame['id'], ok: false, error: { code: 'INVALID_REQUEST', message: `bad token ${TOKEN}` } }),
    });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health' }));
    expect(rejected.message).toBe(`gateway rpc health to ${url}: connect refused [INVALID_REQUEST]: bad token [REDACTED]`);
  });

  it.each([
    ['a connect answer without hello-ok', (peer: WsPeer, frame: Frame) => peer.sendJson({ type: 'res', id: frame['id'], ok: true, payload: { type: 'other' } }), 'connect answered without hello-ok'],
    ['an unparseable frame', (peer: WsPeer) => peer.sendText('{not json'), 'unparseable frame'],
    ['a JSON frame that is not an object', (peer: WsPeer) => peer.sendText('[1,2]'), 'unparseable frame'],
  ])('calls %s a protocol error', async (_label, onConnect, detail) => {
    const { url } = await startGateway({ onConnect });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health' }));
    expect(rejected).toMatchObject({ kind: 'protocol', retryable: false });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: ${detail}`);
  });

  it('times out with the phase it was in, retryable', async () => {
    const { url } = await startGateway({ onConnection: () => undefined });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health', timeoutMs: 300 }));
    expect(rejected).toMatchObject({ kind: 'timeout', retryable: true });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: no answer within 300 ms (during handshake)`);
  });

  it('times out during the call once the handshake is done', async () => {
    const { url } = await startGateway({ onCall: () => undefined });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health', timeoutMs: 300 }));
    expect(rejected.message).toBe(`gateway rpc health to ${url}: no answer within 300 ms (during call)`);
  });

  it('reports a close during the handshake with its code and reason, retryable', async () => {
    const { url } = await startGateway({ onConnect: (peer) => peer.close(1008, 'policy violation') });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health' }));
    expect(rejected).toMatchObject({ kind: 'closed', retryable: true });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: connection closed (1008: policy violation) during handshake`);
  });

  it('reports a dropped connection during the call as closed', async () => {
    const { url } = await startGateway({ onCall: (peer) => peer.destroy() });
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health' }));
    expect(rejected).toMatchObject({ kind: 'closed', retryable: true });
    expect(rejected.message).toMatch(new RegExp(`^gateway rpc health to ${url}: (websocket error|connection closed \\(1006\\) during call)`));
  });

  it('reports a refused connection as connect, retryable', async () => {
    const port = await freePort();
    const rejected = await rejectionOf(callGatewayRpc({ url: `ws://127.0.0.1:${port}`, token: TOKEN, method: 'health' }));
    expect(rejected).toMatchObject({ kind: 'connect', retryable: true });
    expect(rejected.message).toMatch(new RegExp(`^gateway rpc health to ws://127\\.0\\.0\\.1:${port}: (cannot connect|connection closed \\(1006\\) during connect)`));
  });

  it('stops when the caller aborts, before or during the call, not retryable', async () => {
    const { url } = await startGateway({ onCall: () => undefined });
    const before = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health', signal: AbortSignal.abort() }));
    expect(before).toMatchObject({ kind: 'aborted', retryable: false });
    expect(before.message).toBe(`gateway rpc health to ${url}: aborted before connecting`);
    const controller = new AbortController();
    const during = callGatewayRpc({ url, token: TOKEN, method: 'health', signal: controller.signal });
    await waitFor('the call sent', () => server!.peers[0]?.received.length === 2, 5_000);
    controller.abort();
    const rejected = await rejectionOf(during);
    expect(rejected).toMatchObject({ kind: 'aborted', retryable: false });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: aborted (during call)`);
  });

  it.each([
    ['no token', { token: '' }, 'gateway rpc: a gateway token is required'],
    ['no method', { method: '' }, 'gateway rpc: a method is required'],
    ['a zero timeout', { timeoutMs: 0 }, 'gateway rpc: timeoutMs must be a positive number'],
    ['a NaN timeout', { timeoutMs: Number.NaN }, 'gateway rpc: timeoutMs must be a positive number'],
    ['a url that is not one', { url: 'not a url' }, 'gateway rpc: the gateway url is not a valid URL'],
    ['a ftp url', { url: 'ftp://127.0.0.1:1' }, 'gateway rpc: unsupported url scheme ftp:'],
  ])('refuses %s before opening a socket', async (_label, override, message) => {
    const { url, peers } = await startGateway();
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health', ...override }));
    expect(rejected).toMatchObject({ kind: 'invalid-argument', retryable: false, message });
    expect(peers).toHaveLength(0);
  });

  it('shows the URL without userinfo, path or query', async () => {
    const { peers } = await startGateway({ onConnect: (peer, frame) => peer.sendJson({ type: 'res', id: frame['id'], ok: false, error: { code: 'NOT_PAIRED', message: 'm' } }) });
    const rejected = await rejectionOf(callGatewayRpc({ url: `ws://user:secret@127.0.0.1:${server!.port}/x?k=v`, token: TOKEN, method: 'health' }));
    expect(rejected.message).toBe(`gateway rpc health to ws://127.0.0.1:${server!.port}: connect refused [NOT_PAIRED]: m`);
    expect(peers).toHaveLength(1);
  });
});

describe('callGatewayRpc: the beforeSendingToken hook', () => {
  it('is awaited with the host and port once the gateway asks for credentials, before the token goes out', async () => {
    const { url, peers } = await startGateway();
    const seen: { socket: unknown; framesBefore: number; connections: number }[] = [];
    const result = await callGatewayRpc({
      url,
      token: TOKEN,
      method: 'health',
      async beforeSendingToken(socket) {
        await new Promise((resolve) => setImmediate(resolve)); // still not sent while the hook is pending
        seen.push({ socket, framesBefore: peers[0]?.received.length ?? -1, connections: peers.length });
      },
    });
    expect(result).toEqual({ method: 'health', params: {} });
    expect(seen).toEqual([{ socket: { host: '127.0.0.1', port: server!.port }, framesBefore: 0, connections: 1 }]);
    expect((peers[0]!.received as Frame[]).map((f) => f['method'])).toEqual(['connect', 'health']);
  });

  it('ends the call as a peer error, not retryable, and the token is never sent when it rejects', async () => {
    const { url, peers } = await startGateway();
    const rejected = await rejectionOf(
      callGatewayRpc({ url, token: TOKEN, method: 'health', beforeSendingToken: () => Promise.reject(new Error(`not the gateway ${TOKEN}`)) }),
    );
    expect(rejected).toMatchObject({ kind: 'peer', retryable: false });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: peer check failed, token not sent: not the gateway [REDACTED]`);
    await peers[0]!.closed;
    expect(peers[0]!.received).toEqual([]);
  });

  it('is bound by the call deadline, and the token is not sent', async () => {
    const { url, peers } = await startGateway();
    const rejected = await rejectionOf(callGatewayRpc({ url, token: TOKEN, method: 'health', timeoutMs: 300, beforeSendingToken: () => new Promise(() => undefined) }));
    expect(rejected).toMatchObject({ kind: 'timeout', retryable: true });
    expect(rejected.message).toBe(`gateway rpc health to ${url}: no answer within 300 ms (during handshake)`);
    await peers[0]!.closed;
    expect(peers[0]!.received).toEqual([]);
  });
});
