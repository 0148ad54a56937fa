import { describe, expect, it } from 'vitest';
import { classifyRpcError, rpcFailure, type GatewayRpcErrorKind } from '../../src/probes/slack/classify-rpc-error.js';

const res = (error: unknown): Record<string, unknown> => ({ type: 'res', id: 'x', ok: false, error });

describe('classifyRpcError', () => {
  it.each([
    // label, stage, error, kind, code, detailCode, retryable, detail
    ['a wrong token', 'handshake', { code: 'INVALID_REQUEST', message: 'unauthorized', details: { code: 'AUTH_TOKEN_MISMATCH' } }, 'auth', 'INVALID_REQUEST', 'AUTH_TOKEN_MISMATCH', false, 'connect refused [INVALID_REQUEST/AUTH_TOKEN_MISMATCH]: unauthorized'],
    ['a device required', 'handshake', { code: 'INVALID_REQUEST', message: 'device identity required', details: { code: 'DEVICE_IDENTITY_REQUIRED' } }, 'auth', 'INVALID_REQUEST', 'DEVICE_IDENTITY_REQUIRED', false, 'connect refused [INVALID_REQUEST/DEVICE_IDENTITY_REQUIRED]: device identity required'],
    ['pairing required', 'handshake', { code: 'INVALID_REQUEST', message: 'm', details: { code: 'PAIRING_REQUIRED' } }, 'auth', 'INVALID_REQUEST', 'PAIRING_REQUIRED', false, 'connect refused [INVALID_REQUEST/PAIRING_REQUIRED]: m'],
    ['a control-ui device', 'handshake', { code: 'INVALID_REQUEST', message: 'm', details: { code: 'CONTROL_UI_DEVICE_IDENTITY_REQUIRED' } }, 'auth', 'INVALID_REQUEST', 'CONTROL_UI_DEVICE_IDENTITY_REQUIRED', false, 'connect refused [INVALID_REQUEST/CONTROL_UI_DEVICE_IDENTITY_REQUIRED]: m'],
    ['NOT_PAIRED', 'handshake', { code: 'NOT_PAIRED', message: 'pair this device' }, 'auth', 'NOT_PAIRED', undefined, false, 'connect refused [NOT_PAIRED]: pair this device'],
    ['a gateway still starting', 'handshake', { code: 'UNAVAILABLE', message: 'gateway starting' }, 'unavailable', 'UNAVAILABLE', undefined, true, 'connect refused [UNAVAILABLE]: gateway starting'],
    ['UNAVAILABLE with an auth detail is still unavailable', 'handshake', { code: 'UNAVAILABLE', message: 'm', details: { code: 'AUTH_RATE_LIMITED' } }, 'unavailable', 'UNAVAILABLE', 'AUTH_RATE_LIMITED', true, 'connect refused [UNAVAILABLE/AUTH_RATE_LIMITED]: m'],
    ['a protocol mismatch', 'handshake', { code: 'PROTOCOL_MISMATCH', message: 'protocol 4 unsupported' }, 'protocol', 'PROTOCOL_MISMATCH', undefined, false, 'connect refused [PROTOCOL_MISMATCH]: protocol 4 unsupported'],
    ['invalid connect params', 'handshake', { code: 'INVALID_REQUEST', message: 'unknown property' }, 'protocol', 'INVALID_REQUEST', undefined, false, 'connect refused [INVALID_REQUEST]: unknown property'],
    ['a detail code that only contains AUTH_', 'handshake', { code: 'INVALID_REQUEST', message: 'm', details: { code: 'NO_AUTH_HERE' } }, 'protocol', 'INVALID_REQUEST', 'NO_AUTH_HERE', false, 'connect refused [INVALID_REQUEST/NO_AUTH_HERE]: m'],
    ['no error object at all', 'handshake', undefined, 'protocol', undefined, undefined, false, 'connect refused: no message'],
    ['an error that is an array', 'handshake', ['UNAVAILABLE'], 'protocol', undefined, undefined, false, 'connect refused: no message'],
    ['empty strings count as absent', 'handshake', { code: '', message: '', details: { code: '' } }, 'protocol', undefined, undefined, false, 'connect refused: no message'],
    ['non-string fields are ignored', 'handshake', { code: 7, message: { m: 1 }, details: 'AUTH_X' }, 'protocol', undefined, undefined, false, 'connect refused: no message'],
    ['a missing scope in a call', 'call', { code: 'FORBIDDEN', message: 'missing scope: operator.admin', details: { code: 'MISSING_SCOPE' } }, 'rpc', 'FORBIDDEN', 'MISSING_SCOPE', false, 'call failed [FORBIDDEN/MISSING_SCOPE]: missing scope: operator.admin'],
    ['an auth detail in a call is rpc', 'call', { code: 'INVALID_REQUEST', message: 'm', details: { code: 'AUTH_X' } }, 'rpc', 'INVALID_REQUEST', 'AUTH_X', false, 'call failed [INVALID_REQUEST/AUTH_X]: m'],
    ['NOT_PAIRED in a call is rpc', 'call', { code: 'NOT_PAIRED', message: 'm' }, 'rpc', 'NOT_PAIRED', undefined, false, 'call failed [NOT_PAIRED]: m'],
    ['UNAVAILABLE in a call', 'call', { code: 'UNAVAILABLE', message: 'later' }, 'unavailable', 'UNAVAILABLE', undefined, true, 'call failed [UNAVAILABLE]: later'],
    ['the gateway says retryable:false', 'handshake', { code: 'UNAVAILABLE', message: 'draining', retryable: false, retryAfterMs: 500 }, 'unavailable', 'UNAVAILABLE', undefined, false, 'connect refused [UNAVAILABLE]: draining'],
    ['the gateway says retryable:true', 'call', { code: 'FORBIDDEN', message: 'm', retryable: true }, 'rpc', 'FORBIDDEN', undefined, true, 'call failed [FORBIDDEN]: m'],
    ['a retryable that is not a boolean is ignored', 'call', { code: 'FORBIDDEN', message: 'm', retryable: 'yes' }, 'rpc', 'FORBIDDEN', undefined, false, 'call failed [FORBIDDEN]: m'],
  ] as const)('%s', (_label, stage, error, kind, code, detailCode, retryable, detail) => {
    expect(classifyRpcError(res(error), stage)).toEqual({ kind, code, detailCode, retryable, detail });
  });
});

describe('rpcFailure', () => {
  it.each<[GatewayRpcErrorKind, boolean]>([
    ['timeout', true],
    ['connect', true],
    ['closed', true],
    ['unavailable', true],
    ['aborted', false],
    ['invalid-argument', false],
    ['protocol', false],
    ['auth', false],
    ['rpc', false],
    ['peer', false],
  ])('%s is retryable: %s', (kind, retryable) => {
    expect(rpcFailure(kind, 'what happened')).toEqual({ kind, retryable, code: undefined, detailCode: undefined, detail: 'what happened' });
  });
});
