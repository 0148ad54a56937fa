import type { ClawsupConfig } from '../config/schema.js';
import { MIN_SECRET_CHARS, SECRET_NAME } from './redact.js';
import { readOpenclawConfig } from './openclaw-config.js';

const TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';
const MAX_DEPTH = 32;

export interface GatewayToken {
  token: string | null;
  /** Where it came from (never the value): for the log. */
  source: string | null;
}

/** Every credential in the OpenClaw config, so the gateway's output can be scrubbed of them however it prints them. */
export function readOpenclawSecrets(config: ClawsupConfig, env: NodeJS.ProcessEnv): string[] {
  const openclaw = readOpenclawConfig(config, env);
  if (openclaw === null) return [];
  const found: string[] = [];
  const visit = (value: unknown, key: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if (SECRET_NAME.test(key) && value.length >= MIN_SECRET_CHARS) found.push(value);
    } else if (Array.isArray(value)) value.forEach((item) => visit(item, key, depth + 1));
    else if (value !== null && typeof value === 'object') {
      for (const [childKey, child] of Object.entries(value)) visit(child, childKey, depth + 1);
    }
  };
  visit(openclaw.parsed, '', 0);
  return found;
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
  const openclaw = readOpenclawConfig(config, env);
  const token = (openclaw?.parsed as { gateway?: { auth?: { token?: unknown } } } | null)?.gateway?.auth?.token;
  return typeof token === 'string' && token.length > 0 ? { token, source: `${openclaw?.path} gateway.auth.token` } : { token: null, source: null };
}
