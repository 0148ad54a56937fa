/**
 * clawsup's own lint of known-dangerous gateway configs, each finding with its key path and the fix. Errors refuse
 * the apply; warnings refuse it unless --force. Keys clawsup owns (cron.enabled under the cron leader) are not linted. Pure.
 */
export interface LintFinding {
  severity: 'error' | 'warning';
  path: string;
  problem: string;
  fix: string;
}

const LOOPBACK_BINDS = new Set(['loopback', '127.0.0.1', '::1', 'localhost']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function read(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A SecretRef as OpenClaw writes one: `{ source: "env" | "file" | "exec", ... }`. */
function isSecretRef(value: unknown): boolean {
  return isPlainObject(value) && typeof value['source'] === 'string';
}

/** Paths where the live config holds a secret reference and the candidate a plain string instead. */
function findInlinedSecrets(live: unknown, candidate: unknown, prefix: string): string[] {
  if (isSecretRef(live)) return typeof candidate === 'string' && candidate !== '' ? [prefix] : [];
  if (!isPlainObject(live) || !isPlainObject(candidate)) return [];
  return Object.keys(live).flatMap((key) => findInlinedSecrets(live[key], candidate[key], prefix === '' ? key : `${prefix}.${key}`));
}

function hasFallbacks(model: unknown): boolean {
  return isPlainObject(model) && Array.isArray(model['fallbacks']) && model['fallbacks'].length > 0;
}

export function lintCandidate(candidate: unknown, live: unknown): LintFinding[] {
  const findings: LintFinding[] = [];
  const mode = read(candidate, 'gateway.mode');
  if (mode === undefined) {
    findings.push({ severity: 'warning', path: 'gateway.mode', problem: 'missing: the gateway refuses to start (exit 78) unless run with --allow-unconfigured', fix: 'set gateway.mode to "local"' });
  }
  const bind = read(candidate, 'gateway.bind');
  const authMode = read(candidate, 'gateway.auth.mode');
  if (typeof bind === 'string' && !LOOPBACK_BINDS.has(bind) && authMode === 'none') {
    findings.push({ severity: 'error', path: 'gateway.auth.mode', problem: `"none" with gateway.bind "${bind}": anyone who can reach the port controls the gateway`, fix: 'set gateway.auth.mode to "token" (with gateway.auth.token or OPENCLAW_GATEWAY_TOKEN), or gateway.bind to "loopback"' });
  }
  const defaults = read(candidate, 'agents.defaults.model');
  const agents = read(candidate, 'agents.list');
  if (defaults !== undefined && !hasFallbacks(defaults)) {
    findings.push({ severity: 'warning', path: 'agents.defaults.model.fallbacks', problem: 'empty: every agent goes silent while the one provider is overloaded', fix: 'add a model of another provider to agents.defaults.model.fallbacks' });
  }
  if (Array.isArray(agents)) {
    agents.forEach((agent, index) => {
      const model = isPlainObject(agent) ? agent['model'] : undefined;
      if (isPlainObject(model) && !hasFallbacks(model) && !hasFallbacks(defaults)) {
        findings.push({ severity: 'warning', path: `agents.list[${index}].model.fallbacks`, problem: 'empty, and no default fallbacks: this agent goes silent while its provider is overloaded', fix: 'add fallbacks to this agent or to agents.defaults.model' });
      }
    });
  }
  findings.push(...findSharedSlackAppTokens(candidate));
  for (const path of findInlinedSecrets(live, candidate, '')) {
    findings.push({ severity: 'error', path, problem: 'a plaintext secret where the live config uses a secret reference', fix: 'keep the secret reference ({ source: "env" | "file" | "exec", ... }) the live config has' });
  }
  return findings;
}

/** One Slack app token on two accounts: Slack splits the app's events between the two Socket Mode connections. */
function findSharedSlackAppTokens(candidate: unknown): LintFinding[] {
  const slack = read(candidate, 'channels.slack');
  if (!isPlainObject(slack)) return [];
  const tokens = new Map<string, string>();
  const accounts = isPlainObject(slack['accounts']) ? slack['accounts'] : {};
  const entries: Array<[string, unknown]> = [['channels.slack', slack], ...Object.entries(accounts).map(([name, account]): [string, unknown] => [`channels.slack.accounts.${name}`, account])];
  const findings: LintFinding[] = [];
  for (const [path, account] of entries) {
    const token = isPlainObject(account) ? account['appToken'] : undefined;
    if (typeof token !== 'string' || token === '') continue;
    const first = tokens.get(token);
    if (first !== undefined) {
      findings.push({ severity: 'error', path: `${path}.appToken`, problem: `the same Slack app token as ${first}.appToken: Slack delivers each event to only one of the two connections`, fix: 'give each account its own Slack app, or remove one account' });
    } else tokens.set(token, path);
  }
  return findings;
}

export function formatFinding(finding: LintFinding): string {
  return `${finding.path}: ${finding.problem} (fix: ${finding.fix})`;
}
