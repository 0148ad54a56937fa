import { existsSync } from 'node:fs';
import { applyUninstall, hashFiles, readManifest } from '../../install/apply-install.js';
import { runCommand } from '../../install/command-runner.js';
import { readHome } from '../../install/install-facts.js';
import { readInstallRoot, underRoot } from '../../install/install-root.js';
import { ClawsupError } from '../../errors.js';
import { manifestSchema } from '../../install/install-manifest.js';
import { resolveLayout, type Scope } from '../../install/layout.js';
import { describeUninstallAction, planUninstall } from '../../install/plan-uninstall.js';
import type { ClawctlCommand, ClawctlContext } from '../command.js';
import { parseServiceCommandArgs } from './install-options.js';
import type { ServiceCommandDeps } from './install.js';

const USAGE = 'clawctl uninstall [--user|--system] [--dry-run]';

export const uninstallCommand: ClawctlCommand = {
  name: 'uninstall',
  summary: 'undo exactly what clawctl install did (its manifest says what)',
  usage: USAGE,
  run: (args, context) => runUninstall(args, context, { env: process.env, runner: runCommand }),
};

export async function runUninstall(args: string[], context: ClawctlContext, deps: ServiceCommandDeps): Promise<number> {
  const options = parseServiceCommandArgs(args, USAGE, false);
  const root = readInstallRoot(deps.env);
  const home = readHome(deps.env);
  const scopes: Scope[] = options.scope === undefined ? ['user', 'system'] : [options.scope];
  const layout = scopes.map((scope) => resolveLayout(options.platform, scope, home)).find((candidate) => existsSync(underRoot(root, candidate.manifestFile)));
  if (layout === undefined) {
    const where = scopes.map((scope) => resolveLayout(options.platform, scope, home).manifestFile).join(' or ');
    throw new ClawsupError('CLAWSUP_ERR_NOT_INSTALLED', `nothing to uninstall: no install manifest at ${where}`);
  }
  const manifestPath = underRoot(root, layout.manifestFile);
  const parsed = manifestSchema.safeParse(readManifestSafely(manifestPath));
  if (!parsed.success) {
    throw new ClawsupError('CLAWSUP_ERR_INSTALL', `${manifestPath}: not an install manifest clawctl can read; remove the files it names by hand`);
  }
  const filePaths = parsed.data.entries.flatMap((entry) => (entry.type === 'file' ? [entry.path] : []));
  const actions = planUninstall(parsed.data, hashFiles(root, filePaths), layout.manifestFile);
  if (options.isDryRun) {
    for (const action of actions) context.stdout(`${describeUninstallAction(action)}\n`);
    return 0;
  }
  const failures = await applyUninstall(actions, { root, runner: deps.runner, shouldRunCommands: deps.shouldRunCommands ?? root === '/', report: (line) => context.stdout(`${line}\n`) });
  if (failures.length > 0) throw new ClawsupError('CLAWSUP_ERR_INSTALL', `uninstall finished with errors:\n  ${failures.join('\n  ')}`);
  context.stdout(`uninstalled ${layout.serviceName} (${layout.scope})\n`);
  return 0;
}

function readManifestSafely(path: string): unknown {
  try {
    return readManifest(path);
  } catch {
    return null;
  }
}
