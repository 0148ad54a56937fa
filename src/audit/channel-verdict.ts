import type { CheckVerdict } from './list-models-verdict.js';

type Json = Record<string, unknown>;
const asRecord = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);

/**
 * One channel account as the gateway's `channels.status` (with `probe: true`) reports it: its probe's verdict when it
 * ran one, else a blocked lifecycle, a last error or an account the gateway does not run; a connected socket without a
 * probe is ok, anything else unverified.
 */
export function judgeChannelAccount(payload: unknown, channel: string, account: string): CheckVerdict {
  const listed = asRecord(asRecord(payload)?.['channelAccounts'])?.[channel];
  const entries = Array.isArray(listed) ? listed : Object.values(asRecord(listed) ?? {});
  const snapshot = entries.map(asRecord).find((entry) => entry !== undefined && (entry['accountId'] ?? 'default') === account);
  if (snapshot === undefined) return { result: 'failed', detail: `the gateway reports no ${channel} account ${account} (its plugin not loaded, or the account not started)` };
  const probe = asRecord(snapshot['probe']);
  const lastError = typeof snapshot['lastError'] === 'string' && snapshot['lastError'] !== '' ? snapshot['lastError'] : null;
  if (probe?.['ok'] === false) return { result: 'failed', detail: `probe failed: ${describeProbeError(probe) ?? lastError ?? 'no reason given'}` };
  // The gateway's own crash-loop breaker held the account down (3 unclean boots in 5 minutes): a verdict on the boots, not the account.
  if (probe?.['ok'] !== true && lastError !== null && BREAKER_MESSAGE.test(lastError)) {
    return { result: 'unverified', detail: 'not started: held down by the gateway\'s own crash-loop breaker (unclean boots in a row); says nothing of the account' };
  }
  if (snapshot['lifecycle'] === 'blocked') return { result: 'failed', detail: `blocked${lastError ? `: ${lastError}` : ''}` };
  if (probe?.['ok'] === true) return { result: 'ok', detail: 'the gateway\'s probe of the account works' };
  if (lastError !== null) return { result: 'failed', detail: lastError };
  if (snapshot['running'] === false && snapshot['configured'] !== false) {
    return { result: 'failed', detail: `the gateway does not run this account (${typeof snapshot['healthState'] === 'string' ? snapshot['healthState'] : 'not running'})` };
  }
  if (snapshot['connected'] === true) return { result: 'ok', detail: 'connected (the plugin has no probe)' };
  return { result: 'unverified', detail: `no probe result and not connected (running: ${String(snapshot['running'] ?? null)})` };
}

// openclaw 2026.9.6: "gateway restart-loop breaker tripped: N unclean boot(s) within 300000ms; suppressing channel/provider account auto-start. ..."
const BREAKER_MESSAGE = /restart-loop breaker tripped|crash-loop breaker/i;

function describeProbeError(probe: Json): string | null {
  for (const key of ['error', 'reason', 'message']) {
    const value = probe[key];
    if (typeof value === 'string' && value !== '') return value;
    const nested = asRecord(value)?.['message'];
    if (typeof nested === 'string') return nested;
  }
  return null;
}
