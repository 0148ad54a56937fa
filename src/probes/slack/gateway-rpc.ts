/**
 * A minimal client for the OpenClaw gateway's WebSocket RPC: one connection, one handshake, one call, then
 * close. This file is the socket's life only (open, deadline, abort, close); the handshake is
 * rpc-handshake.ts, the error taxonomy classify-rpc-error.ts, the option checks rpc-options.ts.
 */
import type { CloseEvent, ErrorEvent, MessageEvent, WebSocket as UndiciWebSocket } from 'undici';
import { rpcFailure, type GatewayRpcErrorKind, type RpcErrorFacts, type RpcFailure } from './classify-rpc-error.js';
import { DEFAULT_SCOPES, stageOf, stepHandshake, type HandshakePhase, type HandshakeRequest, type OutgoingFrame } from './rpc-handshake.js';
import { checkRpcOptions, type GatewaySocketInfo } from './rpc-options.js';

export type { GatewayRpcErrorKind } from './classify-rpc-error.js';
export type { GatewaySocketInfo } from './rpc-options.js';

// Loaded on the first call: undici adds ~15 MB to the daemon, and a gateway without a token is never called.
let WebSocket: typeof UndiciWebSocket;

const DEFAULT_TIMEOUT_MS = 5_000;

export interface GatewayRpcOptions {
  /** `ws://127.0.0.1:18789` (an `http(s)://` URL is taken to mean the same host and port). */
  url: string;
  /** The shared gateway token (`gateway.auth.token` / `OPENCLAW_GATEWAY_TOKEN`). Never logged. */
  token: string;
  method: string;
  params?: unknown;
  /** One hard deadline over connect, handshake and call (and beforeSendingToken). Default 5000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Operator scopes to ask for. Default `['operator.read']`, enough for `health`, `status`, `channels.status`. */
  scopes?: readonly string[];
  /** Reported to the gateway as `client.version`. */
  clientVersion?: string;
  /**
   * Awaited once the socket is open and the gateway has asked for credentials, right before the frame that
   * carries the token is sent. Rejecting ends the call with kind `peer`, the token unsent.
   */
  beforeSendingToken?: (socket: GatewaySocketInfo) => Promise<void>;
}

export class GatewayRpcError extends Error implements RpcErrorFacts {
  readonly kind: GatewayRpcErrorKind;
  readonly code: string | undefined;
  readonly detailCode: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, facts: RpcErrorFacts) {
    super(message);
    this.name = 'GatewayRpcError';
    this.kind = facts.kind;
    this.code = facts.code;
    this.detailCode = facts.detailCode;
    this.retryable = facts.retryable;
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Opens a WebSocket to the gateway, authenticates with the shared token, calls one method and
 * returns its payload. Rejects with a {@link GatewayRpcError}; the socket is closed on every path.
 */
export async function callGatewayRpc(options: GatewayRpcOptions): Promise<unknown> {
  WebSocket ??= (await import('undici')).WebSocket;
  return callWithWebSocket(options);
}

function callWithWebSocket(options: GatewayRpcOptions): Promise<unknown> {
  const { token, method } = options;
  // Every message that leaves this module goes through here: the token never does.
  const clean = (text: string): string => (typeof token === 'string' && token.length > 0 ? text.split(token).join('[REDACTED]') : text);
  const checked = checkRpcOptions({ url: options.url, token, method, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  if ('error' in checked) return Promise.reject(new GatewayRpcError(clean(checked.error), rpcFailure('invalid-argument', checked.error)));
  const { target, timeoutMs } = checked;
  const fail = (failure: RpcFailure): GatewayRpcError => new GatewayRpcError(clean(`gateway rpc ${method} to ${target.label}: ${failure.detail}`), failure);
  if (options.signal?.aborted) return Promise.reject(fail(rpcFailure('aborted', 'aborted before connecting')));

  const idSuffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const request: HandshakeRequest = {
    connectId: `connect-${idSuffix}`,
    callId: `call-${idSuffix}`,
    method,
    params: options.params ?? {},
    token,
    scopes: options.scopes ?? DEFAULT_SCOPES,
    clientVersion: options.clientVersion,
    platform: process.platform,
  };

  return new Promise<unknown>((resolve, reject) => {
    let phase: HandshakePhase = 'connecting';
    let settled = false;
    let ws: UndiciWebSocket;
    try {
      ws = new WebSocket(target.wsUrl);
    } catch (error) {
      reject(fail(rpcFailure('connect', `cannot open a websocket: ${reasonOf(error)}`)));
      return;
    }
    ws.binaryType = 'arraybuffer';

    const finish = (outcome: { error: GatewayRpcError } | { result: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('message', onMessage);
      ws.removeEventListener('error', onError);
      ws.removeEventListener('close', onClose);
      try {
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000, 'done');
      } catch {
        // closing is best effort: the socket is dropped either way
      }
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    };
    const failWith = (kind: GatewayRpcErrorKind, detail: string): void => finish({ error: fail(rpcFailure(kind, detail)) });

    const timer = setTimeout(() => {
      failWith('timeout', `no answer within ${timeoutMs} ms (during ${stageOf(phase)})`);
    }, timeoutMs);

    const onAbort = (): void => failWith('aborted', `aborted (during ${stageOf(phase)})`);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const onOpen = (): void => {
      if (phase === 'connecting') phase = 'awaiting-challenge';
    };

    const onError = (event: ErrorEvent): void => {
      const inner: unknown = event.error;
      const why = inner instanceof Error ? inner.message : typeof event.message === 'string' ? event.message : '';
      if (phase === 'connecting') failWith('connect', `cannot connect${why ? `: ${why}` : ''}`);
      else failWith('closed', `websocket error${why ? `: ${why}` : ''}`);
    };

    const onClose = (event: CloseEvent): void => {
      const reason = event.reason ? `: ${event.reason}` : '';
      failWith(phase === 'connecting' ? 'connect' : 'closed', `connection closed (${event.code}${reason}) during ${stageOf(phase)}`);
    };

    const send = async (outgoing: OutgoingFrame): Promise<void> => {
      // The one place a check of the peer runs: the socket is open, the token not yet sent.
      if (outgoing.hasToken && options.beforeSendingToken) {
        try {
          await options.beforeSendingToken(target.socket);
        } catch (error) {
          failWith('peer', `peer check failed, token not sent: ${reasonOf(error)}`);
          return;
        }
        if (settled) return;
      }
      try {
        ws.send(JSON.stringify(outgoing.frame));
      } catch (error) {
        failWith('closed', `send failed: ${reasonOf(error)}`);
      }
    };

    const onMessage = (event: MessageEvent): void => {
      if (settled) return;
      const data: unknown = event.data;
      const text = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : undefined;
      const step = stepHandshake(phase, text, request);
      if (step.phase === 'done') {
        finish('error' in step ? { error: fail(step.error) } : { result: step.result });
        return;
      }
      phase = step.phase;
      if (step.send) void send(step.send);
    };

    ws.addEventListener('open', onOpen);
    ws.addEventListener('message', onMessage);
    ws.addEventListener('error', onError);
    ws.addEventListener('close', onClose);
  });
}
