import type { CapabilitySource, CheckPlan, ClaimedCapability } from './capability.js';

/** The parsed openclaw.json and what is needed to resolve its `${VAR}` keys; no file access here. */
export interface EnumerationInput {
  file: string;
  parsed: unknown;
  env: Readonly<Record<string, string | undefined>>;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const recordAt = (value: unknown, key: string): Json | undefined => (isRecord(value) && isRecord(value[key]) ? value[key] : undefined);
const isEnabled = (value: unknown): boolean => !isRecord(value) || value['enabled'] !== false;
// Config keys whose value is a credential of a plugin, a skill or a tool of its own.
const CREDENTIAL_KEY = /token|secret|password|api[_-]?key|credential/i;

/**
 * Every capability openclaw.json claims, in a stable order, each once (the first place that names it is its source):
 * the agents' models and fallbacks, the auth profiles, each channel account, and the tools, plugins and skills that
 * carry credentials of their own.
 */
export function enumerateCapabilities(input: EnumerationInput): ClaimedCapability[] {
  const found = new Map<string, ClaimedCapability>();
  const add = (capability: ClaimedCapability): void => {
    if (!found.has(capability.id)) found.set(capability.id, capability);
  };
  const source = (keyPath: string): CapabilitySource => ({ file: input.file, keyPath });
  const root = isRecord(input.parsed) ? input.parsed : {};
  const providers = recordAt(recordAt(root, 'models'), 'providers') ?? {};

  for (const { ref, keyPath } of listModelRefs(root)) {
    const slash = ref.indexOf('/');
    if (slash <= 0 || slash === ref.length - 1) {
      add({ id: `model:${ref}`, kind: 'model', source: source(keyPath), check: { method: 'none', reason: 'not a provider/model reference (an alias clawsup does not resolve)' } });
      continue;
    }
    const provider = ref.slice(0, slash);
    const model = ref.slice(slash + 1);
    add({ id: `model:${provider}/${model}`, kind: 'model', source: source(keyPath), check: planProviderCheck(provider, model, providers[provider], input.env) });
  }

  for (const profileId of Object.keys(recordAt(recordAt(root, 'auth'), 'profiles') ?? {})) {
    const [provider, ...rest] = profileId.split(':');
    const id = rest.length > 0 ? `auth:${provider}:${rest.join(':')}` : `auth:${profileId}:default`;
    add({ id, kind: 'auth', source: source(`auth.profiles.${quoteKey(profileId)}`), check: { method: 'none', reason: 'its secret is in OpenClaw\'s auth store: only `openclaw models status` can tell it unusable' } });
  }

  for (const [channel, settings] of Object.entries(recordAt(root, 'channels') ?? {})) {
    if (!isRecord(settings) || !isEnabled(settings)) continue;
    const accounts = recordAt(settings, 'accounts');
    const accountIds = accounts === undefined ? ['default'] : Object.keys(accounts).filter((account) => isEnabled(accounts[account]));
    for (const account of accountIds) {
      const keyPath = accounts === undefined ? `channels.${quoteKey(channel)}` : `channels.${quoteKey(channel)}.accounts.${quoteKey(account)}`;
      add({ id: `channel:${channel}:${account}`, kind: 'channel', source: source(keyPath), check: { method: 'channel-status', channel, account } });
    }
  }

  const tts = recordAt(recordAt(root, 'messages'), 'tts') ?? recordAt(root, 'tts');
  if (tts !== undefined && isEnabled(tts)) {
    const keyPath = recordAt(recordAt(root, 'messages'), 'tts') !== undefined ? 'messages.tts' : 'tts';
    add(unverifiedTool('tts', source(keyPath), 'text-to-speech: no cheap check clawsup knows of'));
  }
  const search = recordAt(recordAt(recordAt(root, 'tools'), 'web'), 'search');
  if (search !== undefined && isEnabled(search)) add(unverifiedTool('web-search', source('tools.web.search'), 'web search: no cheap check clawsup knows of'));
  for (const [area, kindName] of [['skills', 'skill'], ['plugins', 'plugin']] as const) {
    for (const [name, entry] of Object.entries(recordAt(recordAt(root, area), 'entries') ?? {})) {
      if (!isEnabled(entry) || !hasCredential(entry, 0)) continue;
      add(unverifiedTool(`${kindName}:${name}`, source(`${area}.entries.${quoteKey(name)}`), `${kindName} ${name} carries a credential clawsup has no check for`));
    }
  }
  return [...found.values()];
}

function unverifiedTool(name: string, source: CapabilitySource, reason: string): ClaimedCapability {
  return { id: `tool:${name}`, kind: 'tool', source, check: { method: 'none', reason } };
}

interface ModelRef {
  ref: string;
  keyPath: string;
}

/** agents.defaults and each agent (agents.entries, or the older agents.list), text and image models, primary then fallbacks. */
function listModelRefs(root: Json): ModelRef[] {
  const agents = recordAt(root, 'agents');
  const places: { settings: unknown; keyPath: string }[] = [{ settings: agents?.['defaults'], keyPath: 'agents.defaults' }];
  for (const [agentId, agent] of Object.entries(recordAt(agents, 'entries') ?? {})) places.push({ settings: agent, keyPath: `agents.entries.${quoteKey(agentId)}` });
  const list = agents?.['list'];
  if (Array.isArray(list)) list.forEach((agent, index) => places.push({ settings: agent, keyPath: `agents.list[${index}]` }));
  const refs: ModelRef[] = [];
  for (const { settings, keyPath } of places) {
    if (!isRecord(settings)) continue;
    for (const field of ['model', 'imageModel']) {
      const value = settings[field];
      if (typeof value === 'string') refs.push({ ref: value.trim(), keyPath: `${keyPath}.${field}` });
      if (!isRecord(value)) continue;
      if (typeof value['primary'] === 'string') refs.push({ ref: value['primary'].trim(), keyPath: `${keyPath}.${field}.primary` });
      const fallbacks = value['fallbacks'];
      if (Array.isArray(fallbacks)) {
        fallbacks.forEach((fallback, index) => {
          if (typeof fallback === 'string') refs.push({ ref: fallback.trim(), keyPath: `${keyPath}.${field}.fallbacks[${index}]` });
        });
      }
    }
  }
  return refs.filter(({ ref }) => ref.length > 0);
}

/** A provider with a `baseUrl` and a key clawsup can read is checked on its list-models endpoint; any other stays unverified. */
function planProviderCheck(provider: string, model: string, settings: unknown, env: EnumerationInput['env']): CheckPlan {
  if (!isRecord(settings)) return { method: 'none', reason: `provider ${provider} is not in models.providers: its key is in OpenClaw's auth store, which clawsup cannot test without spending tokens` };
  const baseUrl = settings['baseUrl'];
  if (typeof baseUrl !== 'string' || !/^https?:\/\//i.test(baseUrl)) return { method: 'none', reason: `models.providers.${quoteKey(provider)} has no http(s) baseUrl to check` };
  const api = typeof settings['api'] === 'string' ? settings['api'] : 'openai-completions';
  if (!api.startsWith('openai')) return { method: 'none', reason: `api ${api}: no cheap endpoint known (only OpenAI-compatible providers are checked)` };
  const key = resolveKey(settings['apiKey'], env);
  if ('reason' in key) return { method: 'none', reason: `models.providers.${quoteKey(provider)}.apiKey ${key.reason}` };
  return { method: 'list-models', provider, baseUrl, apiKey: key.value, model };
}

function resolveKey(value: unknown, env: EnumerationInput['env']): { value: string } | { reason: string } {
  if (value === undefined) return { reason: 'is not set (a key, if it has one, is in OpenClaw\'s auth store, which clawsup cannot test)' };
  if (typeof value === 'string') {
    const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
    if (variable === null) return value.length > 0 ? { value } : { reason: 'is empty' };
    const fromEnv = env[variable[1] ?? ''];
    return fromEnv ? { value: fromEnv } : { reason: `names \${${variable[1]}}, which is not set in clawsup's environment` };
  }
  if (isRecord(value) && value['source'] === 'env' && typeof value['id'] === 'string') {
    const fromEnv = env[value['id']];
    return fromEnv ? { value: fromEnv } : { reason: `names env ${value['id']}, which is not set in clawsup's environment` };
  }
  return { reason: 'is a secret reference clawsup cannot resolve' };
}

function hasCredential(value: unknown, depth: number): boolean {
  if (depth > 8 || !isRecord(value)) return false;
  return Object.entries(value).some(([key, child]) => (typeof child === 'string' && child.length > 0 && CREDENTIAL_KEY.test(key)) || hasCredential(child, depth + 1));
}

/** A key path stays readable; a key with a dot or a colon in it is quoted so the path stays unambiguous. */
function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
