import { describe, expect, it } from 'vitest';
import { stageOf, stepHandshake, type HandshakePhase, type HandshakeRequest, type HandshakeStep } from '../../src/probes/slack/rpc-handshake.js';

const request: HandshakeRequest = {
  connectId: 'connect-1',
  callId: 'call-1',
  method: 'channels.status',
  params: { probe: false },
  token: 'T0KEN',
  scopes: ['operator.read'],
  clientVersion: '1.2.3',
  platform: 'linux',
};

const CONNECT = {
  frame: {
    type: 'req',
    id: 'connect-1',
    method: 'connect',
    params: {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'gateway-client', displayName: 'clawsup', version: '1.2.3', platform: 'linux', mode: 'backend' },
      role: 'operator',
      scopes: ['operator.read'],
      auth: { token: 'T0KEN' },
    },
  },
  hasToken: true,
};
const CALL = { frame: { type: 'req', id: 'call-1', method: 'channels.status', params: { probe: false } }, hasToken: false };

const json = (value: unknown): string => JSON.stringify(value);
const challenge = json({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } });
const hello = json({ type: 'res', id: 'connect-1', ok: true, payload: { type: 'hello-ok', protocol: 4 } });
const result = json({ type: 'res', id: 'call-1', ok: true, payload: { channels: {} } });
const protocolError = (detail: string): HandshakeStep => ({
  phase: 'done',
  error: { kind: 'protocol', code: undefined, detailCode: undefined, retryable: false, detail },
});

describe('stepHandshake', () => {
  it.each<[string, HandshakePhase, string | undefined, HandshakeStep]>([
    // the path a working gateway takes
    ['a challenge asks for the connect frame, with the token', 'awaiting-challenge', challenge, { phase: 'awaiting-hello', send: CONNECT }],
    ['a challenge before the open event is answered the same', 'connecting', challenge, { phase: 'awaiting-hello', send: CONNECT }],
    ['hello-ok sends the call, without the token', 'awaiting-hello', hello, { phase: 'awaiting-result', send: CALL }],
    ['the answer to the call is the result', 'awaiting-result', result, { phase: 'done', result: { channels: {} } }],
    ['an answer with no payload is an undefined result', 'awaiting-result', json({ type: 'res', id: 'call-1', ok: true }), { phase: 'done', result: undefined }],
    // what is not ours leaves the phase alone
    ['a repeated challenge after the connect went out', 'awaiting-hello', challenge, { phase: 'awaiting-hello' }],
    ['a challenge during the call', 'awaiting-result', challenge, { phase: 'awaiting-result' }],
    ['a tick event', 'awaiting-challenge', json({ type: 'event', event: 'tick' }), { phase: 'awaiting-challenge' }],
    ['a health event during the call', 'awaiting-result', json({ type: 'event', event: 'health', payload: {} }), { phase: 'awaiting-result' }],
    ['a frame of another type', 'awaiting-hello', json({ type: 'hello', id: 'connect-1' }), { phase: 'awaiting-hello' }],
    ['an answer to another id', 'awaiting-hello', json({ type: 'res', id: 'other', ok: false }), { phase: 'awaiting-hello' }],
    ['the call\'s answer before the call was sent', 'awaiting-hello', result, { phase: 'awaiting-hello' }],
    ['a second hello-ok during the call does not resend it', 'awaiting-result', hello, { phase: 'awaiting-result' }],
    ['a hello-ok before the connect was sent', 'awaiting-challenge', hello, { phase: 'awaiting-challenge' }],
    // what ends it
    ['a frame without text', 'awaiting-challenge', undefined, protocolError('unexpected non-text frame')],
    ['text that is not JSON', 'awaiting-result', '{nope', protocolError('unparseable frame')],
    ['JSON that is an array', 'awaiting-hello', '[1]', protocolError('unparseable frame')],
    ['JSON that is null', 'awaiting-hello', 'null', protocolError('unparseable frame')],
    ['a connect answered ok without hello-ok', 'awaiting-hello', json({ type: 'res', id: 'connect-1', ok: true, payload: { type: 'other' } }), protocolError('connect answered without hello-ok')],
    ['a connect answered ok with no payload', 'awaiting-hello', json({ type: 'res', id: 'connect-1', ok: true }), protocolError('connect answered without hello-ok')],
    ['ok must be exactly true', 'awaiting-hello', json({ type: 'res', id: 'connect-1', ok: 'true', payload: { type: 'hello-ok' } }), { phase: 'done', error: { kind: 'protocol', code: undefined, detailCode: undefined, retryable: false, detail: 'connect refused: no message' } }],
    [
      'a refused connect is classified as a handshake error',
      'awaiting-hello',
      json({ type: 'res', id: 'connect-1', ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } } }),
      { phase: 'done', error: { kind: 'auth', code: 'INVALID_REQUEST', detailCode: 'AUTH_TOKEN_MISMATCH', retryable: false, detail: 'connect refused [INVALID_REQUEST/AUTH_TOKEN_MISMATCH]: unauthorized' } },
    ],
    [
      'a failed call is classified as a call error',
      'awaiting-result',
      json({ type: 'res', id: 'call-1', ok: false, error: { code: 'FORBIDDEN', message: 'missing scope' } }),
      { phase: 'done', error: { kind: 'rpc', code: 'FORBIDDEN', detailCode: undefined, retryable: false, detail: 'call failed [FORBIDDEN]: missing scope' } },
    ],
  ])('%s', (_label, phase, text, expected) => {
    expect(stepHandshake(phase, text, request)).toEqual(expected);
  });

  it.each([
    ['an empty version is reported as 0.0.0', { clientVersion: '' }, { version: '0.0.0' }, undefined],
    ['no version is reported as 0.0.0', { clientVersion: undefined }, { version: '0.0.0' }, undefined],
    ['the platform it is given', { platform: 'darwin' }, { platform: 'darwin' }, undefined],
    ['the scopes it is given, copied', { scopes: ['operator.read', 'operator.write'] }, {}, ['operator.read', 'operator.write']],
  ])('builds the connect frame with %s', (_label, override, client, scopes) => {
    const step = stepHandshake('awaiting-challenge', challenge, { ...request, ...override });
    expect(step).toMatchObject({ phase: 'awaiting-hello', send: { hasToken: true } });
    const params = ('send' in step ? step.send?.frame['params'] : undefined) as Record<string, unknown>;
    expect(params['client']).toMatchObject(client);
    if (scopes) {
      expect(params['scopes']).toEqual(scopes);
      expect(params['scopes']).not.toBe(override.scopes);
    }
  });
});

describe('stageOf', () => {
  it.each<[HandshakePhase, string]>([
    ['connecting', 'connect'],
    ['awaiting-challenge', 'handshake'],
    ['awaiting-hello', 'handshake'],
    ['awaiting-result', 'call'],
  ])('%s is named %s', (phase, stage) => {
    expect(stageOf(phase)).toBe(stage);
  });
});
