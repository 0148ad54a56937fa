/** The Slack part of the gateway's `channels.status` answer, read defensively (every field may be missing). */
export interface SlackAccountFacts {
  accountId: string;
  isConfigured: boolean;
  isRunning: boolean | null;
  isConnected: boolean | null;
  lifecycle: string | null;
  healthState: string | null;
  lastConnectedAtMs: number | null;
  lastDisconnectAtMs: number | null;
  lastError: string | null;
  lastInboundAtMs: number | null;
  /** Set by @openclaw/slack 2026.9.6 only together with lastInboundAt, on events: not a transport clock. */
  lastEventAtMs: number | null;
  /** A transport-level clock (pings, frames); the gateway's monitor reads it, the 2026.9.6 plugin never sets it. */
  lastTransportActivityAtMs: number | null;
  reconnectAttempts: number | null;
}

export interface SlackRpcFacts {
  isConfigured: boolean;
  accounts: SlackAccountFacts[];
}

const SLACK = 'slack';

export function readSlackRpcFacts(payload: unknown): SlackRpcFacts {
  const channels = readRecord(readRecord(payload)?.['channels']);
  const summary = readRecord(channels?.[SLACK]);
  const rawAccounts = readRecord(payload)?.['channelAccounts'];
  const listed = readRecord(rawAccounts)?.[SLACK];
  const entries = Array.isArray(listed) ? listed : Object.values(readRecord(listed) ?? {});
  const accounts = entries.flatMap((entry) => {
    const account = readRecord(entry);
    return account ? [readAccount(account)] : [];
  });
  const managed = accounts.filter((account) => account.isConfigured);
  const isConfigured = managed.length > 0 || (accounts.length === 0 && summary?.['configured'] === true);
  return { isConfigured, accounts: managed };
}

function readAccount(account: Record<string, unknown>): SlackAccountFacts {
  const lastDisconnect = account['lastDisconnect'];
  return {
    accountId: readString(account['accountId']) ?? 'default',
    isConfigured: account['configured'] !== false && account['enabled'] !== false,
    isRunning: readBoolean(account['running']),
    isConnected: readBoolean(account['connected']),
    lifecycle: readString(account['lifecycle']),
    healthState: readString(account['healthState']),
    lastConnectedAtMs: readNumber(account['lastConnectedAt']),
    lastDisconnectAtMs: typeof lastDisconnect === 'number' ? lastDisconnect : readNumber(readRecord(lastDisconnect)?.['at']),
    lastError: readString(account['lastError']),
    lastInboundAtMs: readNumber(account['lastInboundAt']),
    lastEventAtMs: readNumber(account['lastEventAt']),
    lastTransportActivityAtMs: readNumber(account['lastTransportActivityAt']),
    reconnectAttempts: readNumber(account['reconnectAttempts']),
  };
}

function readRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function readString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function readNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function readBoolean(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}
