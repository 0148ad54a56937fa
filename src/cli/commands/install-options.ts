import { parseArgs } from 'node:util';
import { ClawsupError } from '../../errors.js';
import type { Platform, Scope } from '../../install/layout.js';

export interface ServiceCommandOptions {
  scope: Scope | undefined;
  platform: Platform;
  isDryRun: boolean;
  shouldReplaceExisting: boolean;
  runAs: string | undefined;
}

/** Flags shared by install and uninstall; --platform is hidden, for laying out the other OS's files under a test root. */
export function parseServiceCommandArgs(args: string[], usage: string, hasInstallFlags: boolean): ServiceCommandOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      user: { type: 'boolean' },
      system: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      platform: { type: 'string' },
      ...(hasInstallFlags ? { 'replace-existing': { type: 'boolean' as const }, 'run-as': { type: 'string' as const } } : {}),
    },
  });
  if (positionals.length > 0) throw new ClawsupError('CLAWSUP_ERR_USAGE', `unexpected argument "${positionals[0]}": usage: ${usage}`);
  if (values.user && values.system) throw new ClawsupError('CLAWSUP_ERR_USAGE', `--user and --system exclude each other: usage: ${usage}`);
  const platform = values.platform ?? process.platform;
  if (platform !== 'linux' && platform !== 'darwin') {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `clawsup installs on linux (systemd) and darwin (launchd), not ${platform}`);
  }
  const record = values as Record<string, string | boolean | undefined>;
  return {
    scope: values.user ? 'user' : values.system ? 'system' : undefined,
    platform,
    isDryRun: values['dry-run'] === true,
    shouldReplaceExisting: record['replace-existing'] === true,
    runAs: typeof record['run-as'] === 'string' ? record['run-as'] : undefined,
  };
}

/** Root installs for the whole system on Linux; everyone else (and every Mac) gets a per-user service by default. */
export function defaultScope(platform: Platform): Scope {
  return platform === 'linux' && process.getuid?.() === 0 ? 'system' : 'user';
}
