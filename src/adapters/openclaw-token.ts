import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import type { ClawsupConfig } from '../config/schema.js';

const TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';

export interface GatewayToken {
  token: string | null;
  /** Where it came from (never the value): for the log. */
  source: string | null;
}

/**
 * The gateway's shared token, for its RPC: `gateway.env`, then clawsupd's environment, then `gateway.auth.token` in the
 * OpenClaw config (`gateway.openclawConfigPath`, else ~/.openclaw/openclaw.json when it exists). Never throws.
 */
export function findGatewayToken(config: ClawsupConfig, env: NodeJS.ProcessEnv): GatewayToken {
  const fromConfigEnv = config.gateway.env[TOKEN_ENV];
  if (fromConfigEnv) return { token: fromConfigEnv, source: `gateway.env.${TOKEN_ENV}` };
  const fromEnv = env[TOKEN_ENV];
  if (fromEnv) return { token: fromEnv, source: `environment ${TOKEN_ENV}` };
  const path = config.gateway.openclawConfigPath ?? join(env['HOME'] ?? homedir(), '.openclaw', 'openclaw.json');
  if (!existsSync(path)) return { token: null, source: null };
  try {
    const parsed = JSON5.parse(readFileSync(path, 'utf8')) as { gateway?: { auth?: { token?: unknown } } };
    const token = parsed?.gateway?.auth?.token;
    return typeof token === 'string' && token.length > 0 ? { token, source: `${path} gateway.auth.token` } : { token: null, source: null };
  } catch {
    return { token: null, source: null };
  }
}
