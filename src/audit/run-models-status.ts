import { spawn } from 'node:child_process';

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/**
 * Runs `<openclaw> models status --json --check` (no tokens spent; about 8 s on 2026.9.6) with the config read-only,
 * and returns its parsed JSON. Exit 1 and 2 are answers (a route has a problem); a command error or a stdout that is
 * not JSON rejects. The child is killed when `signal` aborts.
 */
export function runModelsStatus(argv: readonly string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    if (command === undefined) {
      reject(new Error('no openclaw command'));
      return;
    }
    // OPENCLAW_CONFIG_READONLY: a status command must never migrate or rewrite the user's openclaw.json.
    const child = spawn(command, [...args, 'models', 'status', '--json', '--check'], { env: { ...env, OPENCLAW_CONFIG_READONLY: '1' }, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const chunks: Buffer[] = [];
    let total = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total <= MAX_OUTPUT_BYTES) chunks.push(chunk);
    });
    // Its diagnostics go to stderr: the last line explains a failure.
    let stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail = `${stderrTail}${chunk.toString('utf8')}`.slice(-2_048);
    });
    child.on('error', (error) => reject(error));
    child.on('close', (code, exitSignal) => {
      if (signal.aborted) return reject(new Error('ran out of time'));
      const stdout = Buffer.concat(chunks).toString('utf8');
      const parsed = parseStatusJson(stdout);
      if (parsed === undefined) {
        const said = lastLine(stdout) ?? lastLine(stderrTail);
        return reject(new Error(`printed no JSON (exit ${code ?? exitSignal})${said === null ? '' : `: ${said}`}`));
      }
      const error = (parsed as { ok?: unknown; error?: { message?: unknown } } | null)?.error;
      if ((parsed as { ok?: unknown } | null)?.ok === false) return reject(new Error(`${typeof error?.message === 'string' ? error.message.split('\n').join(' ') : 'failed'}`));
      resolve(parsed);
    });
  });
}

/** The JSON object on stdout; a notice printed before it (a plugin being set up) is skipped. */
function parseStatusJson(stdout: string): unknown {
  for (const start of [0, stdout.search(/^\{\s*$/m)]) {
    if (start < 0) continue;
    try {
      return JSON.parse(stdout.slice(start)) as unknown;
    } catch {
      // Try the next place an object may start.
    }
  }
  return undefined;
}

function lastLine(text: string): string | null {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.at(-1)?.slice(0, 300) ?? null;
}

/**
 * The openclaw command in `gateway.command`: the words before `gateway` (`openclaw`, or `node …/openclaw.mjs`); null
 * when the gateway is started some other way (a wrapper script), so models status is left out.
 */
export function findOpenclawArgv(gatewayCommand: readonly string[]): string[] | null {
  const index = gatewayCommand.indexOf('gateway');
  if (index <= 0) return null;
  const before = gatewayCommand.slice(0, index);
  return before.some((word) => /(?:^|\/)openclaw(?:\.m?js)?$/.test(word)) ? before : null;
}
