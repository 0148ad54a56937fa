import type { ClawsupConfig } from '../config/schema.js';
import { orderKnownSecrets, SECRET_NAME } from './redact.js';

/** Every secret the gateway could print: secret-named variables of its environment and the OpenClaw config's keys. */
export function collectKnownSecrets(config: ClawsupConfig, env: NodeJS.ProcessEnv, openclawSecrets: readonly string[]): string[] {
  const merged: Record<string, string | undefined> = { ...env, ...config.gateway.env };
  const fromEnv = Object.entries(merged)
    .filter(([key, value]) => SECRET_NAME.test(key) && typeof value === 'string')
    .map(([, value]) => value as string);
  // OpenClaw's own config holds the gateway token and the channel and provider keys: all hidden, however printed.
  // A webhook's URL is its key: hidden should the gateway ever print it.
  return orderKnownSecrets([...fromEnv, ...openclawSecrets, ...config.alerts.webhooks.map((webhook) => webhook.url)]);
}
