import { describe, expect, it } from 'vitest';
import { enumerateCapabilities } from '../../src/audit/enumerate-capabilities.js';

const FILE = '/home/op/.openclaw/openclaw.json';
const enumerate = (parsed: unknown, env: Record<string, string> = {}) => enumerateCapabilities({ file: FILE, parsed, env });
const idsOf = (parsed: unknown) => enumerate(parsed).map(({ id }) => id);

// Real-shaped configs of openclaw@2026.9.6 (agents.entries keyed by id, auth profiles as metadata, custom providers).
const threeAgents = {
  gateway: { mode: 'local', auth: { mode: 'token', token: 'gw-token-abcdef123456' } },
  auth: {
    profiles: { 'anthropic:default': { provider: 'anthropic', mode: 'api_key' }, 'openai-codex:default': { provider: 'openai-codex', mode: 'oauth' } },
  },
  models: {
    providers: {
      local: { baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-local-key-0123456789abcdef', api: 'openai-completions', models: [{ id: 'qwen3' }] },
      groq: { baseUrl: 'https://api.groq.com/openai/v1', apiKey: '${GROQ_API_KEY}', api: 'openai-completions' },
      claude: { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-xxxxxxxxxxxxxxxxxxxx', api: 'anthropic-messages' },
    },
  },
  agents: {
    defaults: { model: { primary: 'anthropic/claude-opus-4-6', fallbacks: ['local/qwen3', 'groq/llama-3.3-70b'] }, imageModel: 'openai/gpt-5-mini' },
    entries: {
      main: { identity: { name: 'Clawd' } },
      ops: { model: { primary: 'local/qwen3', fallbacks: ['anthropic/claude-opus-4-6'] } },
      writer: { model: 'claude/claude-sonnet-4-6' },
    },
  },
  channels: {
    slack: { accounts: { default: { botToken: 'xoxb-1', appToken: 'xapp-1' }, work: { botToken: 'xoxb-2' }, old: { enabled: false } } },
    telegram: { botToken: '123:abc' },
    discord: { enabled: false, token: 'x' },
  },
  messages: { tts: { provider: 'elevenlabs', elevenlabs: { apiKey: 'el-key-123456' } } },
  tools: { web: { search: { provider: 'gemini', gemini: { apiKey: '${GEMINI_API_KEY}' } } } },
  skills: { entries: { 'image-lab': { enabled: true, apiKey: 'GEMINI_KEY_HERE' }, peekaboo: { enabled: true }, mailer: { enabled: false, apiKey: 'x' } } },
  plugins: { entries: { 'email-send': { config: { smtpPassword: 'pw-123456' } }, 'no-secrets': { config: { region: 'eu' } } } },
};

describe('enumerateCapabilities', () => {
  it('lists every claim of a multi-agent config once, in a stable order', () => {
    expect(idsOf(threeAgents)).toEqual([
      'model:anthropic/claude-opus-4-6',
      'model:local/qwen3',
      'model:groq/llama-3.3-70b',
      'model:openai/gpt-5-mini',
      'model:claude/claude-sonnet-4-6',
      'auth:anthropic:default',
      'auth:openai-codex:default',
      'channel:slack:default',
      'channel:slack:work',
      'channel:telegram:default',
      'tool:tts',
      'tool:web-search',
      'tool:skill:image-lab',
      'tool:plugin:email-send',
    ]);
  });

  it.each([
    ['model:anthropic/claude-opus-4-6', 'agents.defaults.model.primary'],
    ['model:local/qwen3', 'agents.defaults.model.fallbacks[0]'],
    ['model:openai/gpt-5-mini', 'agents.defaults.imageModel'],
    ['model:claude/claude-sonnet-4-6', 'agents.entries.writer.model'],
    ['auth:anthropic:default', 'auth.profiles."anthropic:default"'],
    ['channel:slack:work', 'channels.slack.accounts.work'],
    ['channel:telegram:default', 'channels.telegram'],
    ['tool:tts', 'messages.tts'],
    ['tool:skill:image-lab', 'skills.entries.image-lab'],
  ])('%s is sourced at %s', (id, keyPath) => {
    expect(enumerate(threeAgents).find((capability) => capability.id === id)?.source).toEqual({ file: FILE, keyPath });
  });

  it('plans a list-models check for an OpenAI-compatible provider with a key, and says why for every other', () => {
    const plans = Object.fromEntries(enumerate(threeAgents, { GROQ_API_KEY: 'gsk_from_env_123456' }).map(({ id, check }) => [id, check]));
    expect(plans['model:local/qwen3']).toEqual({ method: 'list-models', provider: 'local', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'sk-local-key-0123456789abcdef', model: 'qwen3' });
    expect(plans['model:groq/llama-3.3-70b']).toMatchObject({ method: 'list-models', apiKey: 'gsk_from_env_123456' });
    expect(plans['model:anthropic/claude-opus-4-6']).toEqual({ method: 'none', reason: expect.stringContaining('not in models.providers') });
    expect(plans['model:claude/claude-sonnet-4-6']).toEqual({ method: 'none', reason: expect.stringContaining('api anthropic-messages: no cheap endpoint known') });
    expect(plans['channel:slack:work']).toEqual({ method: 'channel-status', channel: 'slack', account: 'work' });
    expect(plans['tool:tts']).toEqual({ method: 'none', reason: expect.stringContaining('no cheap check') });
  });

  it.each([
    ['an unset ${VAR}', { apiKey: '${MISSING_KEY}' }, 'names ${MISSING_KEY}, which is not set'],
    ['no key', {}, 'is not set'],
    ['an empty key', { apiKey: '' }, 'is empty'],
    ['a file SecretRef', { apiKey: { source: 'file', id: '/run/secrets/key' } }, 'a secret reference clawsup cannot resolve'],
    ['no baseUrl', { baseUrl: undefined, apiKey: 'k' }, 'has no http(s) baseUrl'],
    ['a baseUrl that is not http', { baseUrl: 'unix:/tmp/s', apiKey: 'k' }, 'has no http(s) baseUrl'],
  ])('a provider with %s stays unverified, saying why', (_name, settings, reason) => {
    const config = { models: { providers: { p: { baseUrl: 'http://127.0.0.1:1/v1', ...settings } } }, agents: { defaults: { model: 'p/m' } } };
    expect(enumerate(config)[0]).toMatchObject({ id: 'model:p/m', check: { method: 'none', reason: expect.stringContaining(reason) } });
  });

  it('resolves an env SecretRef from the environment it is given', () => {
    const config = { models: { providers: { p: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: { source: 'env', id: 'P_KEY' } } } }, agents: { defaults: { model: 'p/m' } } };
    expect(enumerateCapabilities({ file: FILE, parsed: config, env: { P_KEY: 'from-env-key' } })[0]?.check).toMatchObject({ method: 'list-models', apiKey: 'from-env-key' });
  });

  it('reads the older agents.list and an alias without a provider', () => {
    const config = { agents: { list: [{ id: 'main', model: { primary: 'fast' } }, { id: 'b', model: 'openai/gpt-5' }] } };
    expect(enumerate(config).map(({ id, source, check }) => [id, source.keyPath, check.method])).toEqual([
      ['model:fast', 'agents.list[0].model.primary', 'none'],
      ['model:openai/gpt-5', 'agents.list[1].model', 'none'],
    ]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'openclaw'],
    ['agents of the wrong types', { agents: { defaults: { model: 42 }, entries: ['x'], list: 'y' }, channels: { slack: true }, auth: { profiles: [] } }],
    ['fallbacks of the wrong types', { agents: { defaults: { model: { primary: '', fallbacks: [1, null, ' '] } } } }],
  ])('claims nothing from %s, without throwing', (_name, parsed) => {
    expect(enumerate(parsed)).toEqual([]);
  });

  it('never copies a key into a source or a reason', () => {
    const text = JSON.stringify(enumerate(threeAgents).map(({ id, source, check }) => ({ id, source, reason: check.method === 'none' ? check.reason : '' })));
    for (const secret of ['sk-local-key', 'sk-ant-', 'xoxb', 'el-key', 'pw-123456', 'gw-token']) expect(text).not.toContain(secret);
  });
});
