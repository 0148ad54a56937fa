import { createHash } from 'node:crypto';
import type { ClawsupConfig } from '../config/schema.js';
import { findGatewayToken } from '../gateway/openclaw-token.js';
import { resolveProbeUrls } from '../probes/http/probe-urls.js';
import { callGatewayRpc } from '../probes/slack/gateway-rpc.js';
import { createGatewayPeerCheck } from '../probes/slack/verify-gateway-peer.js';
import { CLAWSUP_VERSION } from '../version.js';
import { canonicalJobDefinitions } from './job-definitions.js';

const PAGE_SIZE = 200; // the gateway's maximum for cron.list
const MAX_PAGES = 20;

export interface GatewayJobs {
  count: number;
  /** sha256 of the jobs' definitions (no run state), first 16 hex digits: equal on nodes with the same jobs. */
  definitionsHash: string;
}

/** This gateway's cron jobs through its RPC (`cron.list`, disabled ones too); the token goes only to the gateway clawsupd runs. */
export async function readGatewayJobs(config: ClawsupConfig, env: NodeJS.ProcessEnv, getGatewayPid: () => number | null, timeoutMs: number): Promise<GatewayJobs> {
  const { token } = findGatewayToken(config, env);
  if (token === null) throw new Error('no gateway token (gateway.auth.token or OPENCLAW_GATEWAY_TOKEN): cron.list cannot be asked');
  const verifyPeer = createGatewayPeerCheck(getGatewayPid);
  const jobs: unknown[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const reply = (await callGatewayRpc({
      url: resolveProbeUrls(config.health).origin,
      token,
      method: 'cron.list',
      params: { includeDisabled: true, includeDeliveryPreviews: false, limit: PAGE_SIZE, offset: page * PAGE_SIZE },
      timeoutMs,
      clientVersion: CLAWSUP_VERSION,
      beforeSendingToken: verifyPeer,
    })) as { jobs?: unknown };
    const pageJobs = Array.isArray(reply?.jobs) ? reply.jobs : [];
    jobs.push(...pageJobs);
    if (pageJobs.length < PAGE_SIZE) break;
  }
  const definitionsHash = createHash('sha256').update(canonicalJobDefinitions(jobs)).digest('hex').slice(0, 16);
  return { count: jobs.length, definitionsHash };
}
