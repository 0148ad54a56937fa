import type { ClawsupConfig } from '../config/schema.js';
import { findGatewayToken } from '../gateway/openclaw-token.js';
import { resolveProbeUrls } from '../probes/http/probe-urls.js';
import { callGatewayRpc } from '../probes/slack/gateway-rpc.js';
import { createGatewayPeerCheck } from '../probes/slack/verify-gateway-peer.js';
import { CLAWSUP_VERSION } from '../version.js';
import type { AuditRunOptions } from './run-audit.js';

export interface ChannelStatusSource {
  fetchChannelStatus: AuditRunOptions['fetchChannelStatus'];
  channelsUnavailable: string;
}

/**
 * The gateway's `channels.status` with `probe: true`, each account probed by its own plugin. The token goes only to a
 * socket served by the gateway clawsupd runs (the Slack probe's peer check); without a token or a gateway, channels
 * stay unverified, saying why.
 */
export function createChannelStatusSource(config: ClawsupConfig, env: NodeJS.ProcessEnv, getGatewayPid: () => number | null): ChannelStatusSource {
  const { token } = findGatewayToken(config, env);
  if (token === null) return { fetchChannelStatus: null, channelsUnavailable: 'no gateway token (gateway.auth.token or OPENCLAW_GATEWAY_TOKEN): the gateway\'s channels.status cannot be asked' };
  if (getGatewayPid() === null) return { fetchChannelStatus: null, channelsUnavailable: 'no running gateway known to clawsupd: its channels cannot be probed' };
  const verifyPeer = createGatewayPeerCheck(getGatewayPid);
  return {
    channelsUnavailable: '',
    fetchChannelStatus: (timeoutMs, signal) =>
      callGatewayRpc({
        url: resolveProbeUrls(config.health).origin,
        token,
        method: 'channels.status',
        // The gateway's own probes get a second less than the check, so their verdicts come back within its deadline.
        params: { probe: true, timeoutMs: Math.max(1_000, timeoutMs - 1_000) },
        timeoutMs,
        signal,
        clientVersion: CLAWSUP_VERSION,
        beforeSendingToken: verifyPeer,
      }),
  };
}
