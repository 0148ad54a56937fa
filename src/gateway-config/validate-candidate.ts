import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { unlinkSync } from 'node:fs';
import JSON5 from 'json5';
import { writeFileAtomic } from '../status/atomic-file.js';
import { findIncludes } from './owned-keys.js';

export interface ValidationResult {
  issues: string[];
  validator: 'openclaw' | 'parse-only';
  /** What the validator said when it passed (its warnings), or why only the parse was checked. */
  notes: string[];
  parsed: unknown;
}

// Output past this is not read: a validator that floods is cut, its first lines are enough to say why.
const MAX_VALIDATOR_OUTPUT_BYTES = 256 * 1024;
const MAX_ISSUES = 20;

/** The gateway's own validator, from gateway.command when it runs openclaw; `[]` in config turns it off. */
export function resolveValidateCommand(configured: readonly string[] | undefined, gatewayCommand: readonly string[]): readonly string[] | null {
  if (configured !== undefined) return configured.length === 0 ? null : configured;
  const program = gatewayCommand[0];
  if (program !== undefined && basename(program) === 'openclaw') return [program, 'config', 'validate', '--json'];
  return null;
}

/** JSON5 parse (located), no `$include`, an object; then the gateway's validator against a staged copy of the candidate. */
export async function validateCandidate(input: {
  content: string;
  source: string;
  command: readonly string[] | null;
  env: NodeJS.ProcessEnv;
  stagingDir: string;
  timeoutMs: number;
}): Promise<ValidationResult> {
  let parsed: unknown;
  try {
    parsed = JSON5.parse(input.content);
  } catch (error) {
    return refused(`${input.source}: not JSON5: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refused(`${input.source}: a gateway config is a JSON5 object, found ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  const includes = findIncludes(parsed);
  if (includes.length > 0) {
    return refused(`${input.source}: ${includes[0]}: configs that $include other files are refused: the included files would escape the backup, the hash and the rollback; inline them`);
  }
  if (input.command === null) {
    return { issues: [], validator: 'parse-only', notes: ['validated by parse only: no gateway validator (gateway.command is not openclaw and gatewayConfig.validateCommand is not set)'], parsed };
  }
  const stagedPath = join(input.stagingDir, `candidate-${process.pid}.json5`);
  writeFileAtomic(stagedPath, input.content, { mode: 0o600 });
  try {
    const run = await runValidator(input.command, { ...input.env, OPENCLAW_CONFIG_PATH: stagedPath }, input.timeoutMs);
    if (run.error !== null) return refused(`the gateway's validator (${input.command[0]}) could not run: ${run.error}`);
    const report = readReport(run.stdout);
    if (run.code === 0) return { issues: [], validator: 'openclaw', notes: report?.warnings ?? [], parsed };
    const issues = report !== null && report.issues.length > 0 ? report.issues : lastLines(`${run.stdout}\n${run.stderr}`, run.code, run.signal);
    return { issues: issues.slice(0, MAX_ISSUES).map((issue) => `${input.source}: ${issue}`), validator: 'openclaw', notes: [], parsed };
  } finally {
    try {
      unlinkSync(stagedPath);
    } catch {
      // Already gone.
    }
  }
}

function refused(issue: string): ValidationResult {
  return { issues: [issue], validator: 'parse-only', notes: [], parsed: null };
}

/** `openclaw config validate --json` prints `{ valid, issues: [{ path, message }], warnings }` (2026.9.6). */
function readReport(stdout: string): { issues: string[]; warnings: string[] } | null {
  const start = stdout.indexOf('{');
  if (start === -1) return null;
  try {
    const report = JSON.parse(stdout.slice(start)) as { issues?: Array<{ path?: string; message?: string }>; warnings?: unknown[] };
    const issues = (report.issues ?? []).map((issue) => `${issue.path ?? '<root>'}: ${issue.message ?? 'invalid'}`);
    const warnings = (report.warnings ?? []).map((warning) => (typeof warning === 'string' ? warning : JSON.stringify(warning)));
    return { issues, warnings };
  } catch {
    return null;
  }
}

function lastLines(text: string, code: number | null, signal: string | null): string[] {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
  return lines.length === 0 ? [`the validator refused the config (${how}) and said nothing`] : [...lines.slice(-5), `(the validator's ${how})`];
}

function runValidator(command: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; error: string | null }> {
  return new Promise((resolve) => {
    const [program, ...args] = command as [string, ...string[]];
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let isTimedOut = false;
    const take = (current: string, chunk: Buffer): string => (current.length >= MAX_VALIDATOR_OUTPUT_BYTES ? current : current + chunk.toString('utf8'));
    child.stdout.on('data', (chunk: Buffer) => (stdout = take(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = take(stderr, chunk)));
    const timer = setTimeout(() => {
      isTimedOut = true;
      // Its whole group: openclaw may start helpers of its own.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, error: isTimedOut ? `no answer within ${timeoutMs} ms` : null });
    });
  });
}
