import type { ClawctlCommand } from '../command.js';
import { configCommand } from './config-check.js';
import { doctorCommand } from './doctor.js';
import { installCommand } from './install.js';
import { uninstallCommand } from './uninstall.js';

/** Every clawctl subcommand, in the order `clawctl --help` lists them. */
export const COMMANDS: readonly ClawctlCommand[] = [configCommand, installCommand, uninstallCommand, doctorCommand];
