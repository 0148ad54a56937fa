/** Checks a gateway RPC's options before any socket is opened. Pure: `URL` is a global, no I/O. */

/** Where the peer should be: what a check of the connection's peer (beforeSendingToken) gets to go on. */
export interface GatewaySocketInfo {
  /** As dialled: `127.0.0.1`, `::1`, `localhost`, ... (no brackets). */
  host: string;
  port: number;
}

export interface RpcTarget {
  wsUrl: string;
  /** Safe to show: scheme, host and port only (no userinfo, path, query or fragment). */
  label: string;
  socket: GatewaySocketInfo;
}

export type CheckedRpcOptions = { target: RpcTarget; timeoutMs: number } | { error: string };

/** `http(s)://` means the same host and port over `ws(s)://`. */
function resolveTarget(raw: string): RpcTarget | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { error: 'gateway rpc: the gateway url is not a valid URL' };
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return { error: `gateway rpc: unsupported url scheme ${parsed.protocol}` };
  const port = parsed.port === '' ? (parsed.protocol === 'wss:' ? 443 : 80) : Number(parsed.port);
  return {
    wsUrl: parsed.href,
    label: `${parsed.protocol}//${parsed.host}`,
    socket: { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port },
  };
}

export function checkRpcOptions(options: { url: string; token: string; method: string; timeoutMs: number }): CheckedRpcOptions {
  if (typeof options.token !== 'string' || options.token.length === 0) return { error: 'gateway rpc: a gateway token is required' };
  if (typeof options.method !== 'string' || options.method.length === 0) return { error: 'gateway rpc: a method is required' };
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) return { error: 'gateway rpc: timeoutMs must be a positive number' };
  const target = resolveTarget(options.url);
  if ('error' in target) return target;
  return { target, timeoutMs: options.timeoutMs };
}
