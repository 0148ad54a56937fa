const REDACTED = '[REDACTED]';

/** Names of environment variables and config keys whose values are credentials. */
export const SECRET_NAME = /token|secret|password|passwd|api[_-]?key|credential|private[_-]?key/i;
/** Shorter values are not hidden wherever they appear: they would blank out ordinary words. */
export const MIN_SECRET_CHARS = 6;

/**
 * Known secrets as `redactSecrets` wants them: each once, with the forms a program prints them in (percent-encoded in
 * a URL or a form, escaped in JSON), longest first, so no secret inside another leaves a tail.
 */
export function orderKnownSecrets(secrets: Iterable<string>): string[] {
  const forms = [...secrets].filter((secret) => secret.length >= MIN_SECRET_CHARS).flatMap(listPrintedForms);
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

function listPrintedForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    const encoded = encodeURIComponent(secret);
    // A form or a query string built by URLSearchParams writes a space as + and escapes a few more characters.
    const formEncoded = new URLSearchParams({ v: secret }).toString().slice(2);
    forms.push(encoded, encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), formEncoded);
  } catch {
    // A lone surrogate has no percent-encoding: nothing prints it that way.
  }
  return forms;
}

// The names a key=value or "key": "value" pair may end with when its value is a credential.
const SECRET_KEY =
  String.raw`(?:token|secret|passw(?:or)?d|passphrase|credentials?|(?:api|access|secret|private|signing|encryption|client|master)[_-]?key|apikey|authorization)`;
// A bare auth pair needs = or a spaced colon: auth:anthropic:default is a capability id, not a credential.
const AUTH_KEY = String.raw`auth(?:\\?["']\s*[:=]|\s*=|\s*:(?=\s))`;
// A value: quoted it runs to its closing quote (spaces and all), bare to the next delimiter.
const SECRET_VALUE = String.raw`(?:(?<=")(?:[^"\\\r\n]|\\[^"\r\n]){4,}|(?<=')[^'\r\n]{4,}|[^\s"',;&}]{4,})`;
// An optional quote, escaped when the JSON sits inside another JSON string.
const QUOTE = String.raw`\\?["']?`;
const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;
const PRIVATE_KEY_END = /-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;

// Shapes of secrets a gateway or its plugins may print. A first capture group is context that stays readable.
const SECRET_PATTERNS: readonly RegExp[] = [
  // Slack tokens, refresh (xoxe-) and rotated (xoxe.xoxb-) ones too; glued to a word they are still tokens.
  /xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]{8,}/g,
  /\bxapp-[A-Za-z0-9-]{8,}/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // A URL's user and password, up to the last @ before the host (a password may hold an unescaped @). The scheme is
  // bounded, not anchored to a word: a URL glued to a word still hides its password, and a long line costs one scan.
  /([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>\\]+(?=@)/gi,
  new RegExp(String.raw`((?:${SECRET_KEY}${QUOTE}\s*[:=]|${AUTH_KEY})\s*${QUOTE}(?:(?:Basic|Bearer|Digest|Token)\s+)?)${SECRET_VALUE}`, 'gi'),
  // A field named just "key": quoted, or key=, so that "Unrecognized key: port" stays readable.
  new RegExp(String.raw`((?:\\?["']key\\?["']\s*[:=]|\bkey=)\s*${QUOTE})${SECRET_VALUE}`, 'gi'),
  // A cookie header holds nothing but session secrets: all of it goes, to the end of the line or the quote.
  new RegExp(String.raw`(\b(?:set-)?cookie${QUOTE}\s*[:=]\s*${QUOTE})[^"'\r\n]{4,}`, 'gi'),
  new RegExp(String.raw`(${PRIVATE_KEY_BEGIN.source})(?!\s*$)[\s\S]+?(?=${PRIVATE_KEY_END.source}|$)`, 'g'),
];

// Every pattern above needs one of these words, and so does a private key's BEGIN line ("KEY"). No anchors, \b or
// lookarounds: a line holding a match is a match in any text holding the line, which findRedactionHints relies on.
const QUICK_CHECK = /xox|xapp|sk-|gh[pousr]_|AIza|eyJ|bearer|token|secret|passw|passphrase|credential|key|auth|cookie|:\/\/[^\s/]*@/i;
const QUICK_CHECK_ALL = new RegExp(QUICK_CHECK.source, 'gi');

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

/** Where in a text a secret lies, with the context its pattern needs: a line cut inside a span would leak the secret. */
export interface SecretSpan {
  start: number;
  end: number;
}

/** The spans `redactSecrets` would hide, context included, merged and in order; a cut outside them hides the same. */
export function findSecretSpans(text: string, knownSecrets: readonly string[] = []): SecretSpan[] {
  const spans: SecretSpan[] = [];
  // One past each match: a pattern may look one character ahead (the @ after a URL's user and password).
  const add = (start: number, length: number): void => {
    spans.push({ start, end: Math.min(text.length, start + length + 1) });
  };
  for (const secret of knownSecrets) {
    if (secret.length < 4) continue;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) add(at, secret.length);
  }
  if (QUICK_CHECK.test(text)) {
    for (const pattern of SECRET_PATTERNS) for (const match of text.matchAll(pattern)) add(match.index, match[0].length);
  }
  return mergeSpans(spans);
}

/**
 * Where in a text (a chunk of many lines) redaction may change something: each known secret and each quick-check
 * word, merged and in order. A line that overlaps none is left as it is by `redactSecrets` (with the same secrets) and
 * by `trackPrivateKeyBlock` outside a block, so a flood's lines need one scan of their chunk, not one per line.
 */
export function findRedactionHints(text: string, knownSecrets: readonly string[] = []): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const secret of knownSecrets) {
    if (secret.length < 4) continue;
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) spans.push({ start: at, end: at + secret.length });
  }
  for (const match of text.matchAll(QUICK_CHECK_ALL)) spans.push({ start: match.index, end: match.index + match[0].length });
  return mergeSpans(spans);
}

function mergeSpans(spans: SecretSpan[]): SecretSpan[] {
  spans.sort((a, b) => a.start - b.start);
  const merged: SecretSpan[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

// A private key is a few dozen lines; a block that never ends stops hiding output after this many.
const MAX_KEY_BLOCK_LINES = 128;

/**
 * Follows a private key printed over several lines: the lines between its BEGIN and END lines are hidden whole.
 * `linesInside` is 0 outside a block, else how many lines of it were seen; the result is the state after `line`.
 */
export function trackPrivateKeyBlock(line: string, linesInside: number): { line: string; linesInside: number } {
  if (linesInside > 0) {
    if (PRIVATE_KEY_END.test(line) || linesInside >= MAX_KEY_BLOCK_LINES) return { line, linesInside: 0 };
    return { line: REDACTED, linesInside: linesInside + 1 };
  }
  const begin = PRIVATE_KEY_BEGIN.exec(line);
  const isOpened = begin !== null && !PRIVATE_KEY_END.test(line.slice(begin.index));
  return { line, linesInside: isOpened ? 1 : 0 };
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
