import { existsSync } from 'node:fs';
import { applyInstall, readManifest, writeManifest } from '../../install/apply-install.js';
import { runCommand, type CommandRunner } from '../../install/command-runner.js';
import { gatherInstallFacts } from '../../install/install-facts.js';
import { readInstallRoot, underRoot } from '../../install/install-root.js';
import { ClawsupError, type ErrorCode } from '../../errors.js';
import { manifestSchema, mergeManifestEntries } from '../../install/install-manifest.js';
import { describeInstallAction, planInstall, type InstallRefusal } from '../../install/plan-install.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { defaultScope, parseServiceCommandArgs } from './install-options.js';

const USAGE = 'clawctl install [--user|--system] [--dry-run] [--replace-existing] [--run-as USER]';

export interface ServiceCommandDeps {
  env: NodeJS.ProcessEnv;
  runner: CommandRunner;
  /** Whether to run systemctl/launchctl; by default only when installing into the real root. */
  shouldRunCommands?: boolean;
}

export const installCommand: ClawctlCommand = {
  name: 'install',
  summary: 'install clawsupd as a systemd service or launchd job, and start it',
  usage: USAGE,
  run: (args, context) => runInstall(args, context, { env: process.env, runner: runCommand }),
};

export async function runInstall(args: string[], context: ClawctlContext, deps: ServiceCommandDeps): Promise<number> {
  const options = parseServiceCommandArgs(args, USAGE, true);
  const root = readInstallRoot(deps.env);
  const facts = gatherInstallFacts({
    platform: options.platform,
    scope: options.scope ?? defaultScope(options.platform),
    root,
    env: deps.env,
    runAs: options.runAs,
    shouldReplaceExisting: options.shouldReplaceExisting,
  });
  const plan = planInstall(facts);
  if (!plan.ok) throw refusalError(plan.refusal, plan.refusals);
  if (options.isDryRun) {
    for (const action of plan.actions) context.stdout(`${describeInstallAction(action)}\n`);
    return 0;
  }
  const { layout } = facts;
  const manifestPath = underRoot(root, layout.manifestFile);
  const earlier = existsSync(manifestPath) ? manifestSchema.safeParse(readManifest(manifestPath)) : null;
  const report = (line: string): void => context.stdout(`${line}\n`);
  const result = await applyInstall(plan.actions, { root, runner: deps.runner, shouldRunCommands: deps.shouldRunCommands ?? root === '/', report });
  const entries = mergeManifestEntries(earlier?.success ? earlier.data.entries : [], result.entries);
  if (entries.length > 0) {
    writeManifest(manifestPath, { version: 1, platform: layout.platform, scope: layout.scope, installedAt: new Date().toISOString(), entries });
  }
  if (result.failure !== null) {
    throw new ClawsupError('CLAWSUP_ERR_INSTALL', `install stopped: ${result.failure}\n  what was done is recorded: \`clawctl uninstall --${layout.scope}\` takes it back`);
  }
  context.stdout(`installed ${layout.serviceName} (${layout.serviceFile}); config ${layout.configFile}; \`clawctl doctor\` checks the node\n`);
  return 0;
}

const REFUSALS: Record<InstallRefusal, { code: ErrorCode; summary: string }> = {
  'duplicate-gateway': { code: 'CLAWSUP_ERR_DUPLICATE_GATEWAY', summary: 'an OpenClaw gateway service is already installed' },
  'untrusted-path': { code: 'CLAWSUP_ERR_INSTALL_UNTRUSTED', summary: 'the service would run what another user can replace' },
  'unknown-user': { code: 'CLAWSUP_ERR_UNKNOWN_USER', summary: 'no such user' },
};

function refusalError(refusal: InstallRefusal, details: readonly string[]): ClawsupError {
  const { code, summary } = REFUSALS[refusal];
  return new ClawsupError(code, `refusing to install: ${summary}\n  ${details.join('\n  ')}`);
}
