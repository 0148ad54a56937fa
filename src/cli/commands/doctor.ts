import { parseArgs } from 'node:util';
import { runCommand, type CommandRunner } from '../../install/command-runner.js';
import { gatherDoctorFacts } from '../../doctor/gather-doctor-facts.js';
import { readHome } from '../../install/install-facts.js';
import { readInstallRoot } from '../../install/install-root.js';
import { loadConfig } from '../../config/load-config.js';
import type { ClawsupConfig } from '../../config/schema.js';
import { toExitCode, type CheckResult } from '../../doctor/check-result.js';
import { runChecks } from '../../doctor/run-checks.js';
import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { defaultConfigPath } from '../default-config-path.js';

const USAGE = 'clawctl [--config FILE] doctor [--json]';

export const doctorCommand: ClawctlCommand = {
  name: 'doctor',
  summary: 'check the node for what makes gateways fail: exit 0 ok, 1 warn, 2 fail, 3 unknown',
  usage: USAGE,
  run: (args, context) => runDoctor(args, context, { env: process.env, runner: runCommand }),
};

export async function runDoctor(args: string[], context: ClawctlContext, deps: { env: NodeJS.ProcessEnv; runner: CommandRunner }): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, platform: { type: 'string' } } });
  const platform = values.platform ?? process.platform;
  if (platform !== 'linux' && platform !== 'darwin') throw new ClawsupError('CLAWSUP_ERR_USAGE', `doctor knows linux and darwin, not ${platform}`);
  const configPath = context.configPath ?? defaultConfigPath(deps.env);
  let config: ClawsupConfig | null = null;
  let configProblem: string | null = null;
  try {
    config = loadConfig(configPath).config;
  } catch (error) {
    configProblem = (error as Error).message.split('\n')[0] ?? configPath;
  }
  const facts = await gatherDoctorFacts({ platform, root: readInstallRoot(deps.env), home: readHome(deps.env), env: deps.env, config, runner: deps.runner });
  const results = runChecks(facts, process.getuid?.() ?? 0);
  if (configProblem !== null) results.unshift({ name: 'clawsupd config', verdict: 'unknown', detail: configProblem, fix: 'fix or name it with --config; the checks that need it say unknown' });
  context.stdout(values.json ? `${JSON.stringify({ results, exitCode: toExitCode(results) }, null, 2)}\n` : formatResults(results));
  return toExitCode(results);
}

function formatResults(results: readonly CheckResult[]): string {
  return results
    .map((result) => `${`[${result.verdict}]`.padEnd(10)}${result.name}: ${result.detail}${result.fix === null ? '' : `\n          fix: ${result.fix}`}\n`)
    .join('');
}
