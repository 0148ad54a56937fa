const REDACTED = '[REDACTED]';

/** Names of environment variables and config keys whose values are credentials. */
export const SECRET_NAME = /token|secret|password|passwd|api[_-]?key|credential|private[_-]?key/i;
/** Shorter values are not hidden wherever they appear: they would blank out ordinary words. */
export const MIN_SECRET_CHARS = 6;

/** Known secrets as `redactSecrets` wants them: each once, longest first, so no secret inside another leaves a tail. */
export function orderKnownSecrets(secrets: Iterable<string>): string[] {
  return [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
}

// Shapes of secrets a gateway or its plugins may print: Slack tokens, provider API keys,
// bearer headers, and key=value or "key": "value" pairs whose key names a secret.
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g,
  /\bxapp-[A-Za-z0-9-]{8,}/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /((?:token|secret|password|passwd|api[_-]?key|apikey|authorization|auth)["']?\s*[:=]\s*["']?)[^\s"',;&}]{4,}/gi,
];

const QUICK_CHECK = /xox|xapp|sk-|gh[pousr]_|AIza|bearer|token|secret|passw|api[_-]?key|apikey|auth/i;

/** Replaces secrets in one line of text; `knownSecrets` are exact values to hide wherever they appear. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  if (!QUICK_CHECK.test(result)) return result;
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match: string, prefix?: unknown) =>
      typeof prefix === 'string' && prefix.length > 0 && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return result;
}

const SECRET_FLAG = /^--?(?:token|password|passwd|secret|api[-_]?key|auth(?:-token)?)$/i;
const SECRET_FLAG_WITH_VALUE = /^(--?(?:token|password|passwd|secret|api[-_]?key|auth(?:-token)?)=).+$/i;

/** A command line fit to write down: the value after `--token` (or `--token=...`) and any secret-shaped argument hidden. */
export function redactArgv(argv: readonly string[], knownSecrets: readonly string[] = []): string[] {
  return argv.map((arg, index) => {
    const previous = index > 0 ? argv[index - 1] ?? '' : '';
    if (SECRET_FLAG.test(previous)) return REDACTED;
    const withValue = SECRET_FLAG_WITH_VALUE.exec(arg);
    if (withValue) return `${withValue[1]}${REDACTED}`;
    return redactSecrets(arg, knownSecrets);
  });
}
