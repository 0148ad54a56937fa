import type { ClawctlCommand } from '../command.js';
import { configCommand } from './config-check.js';

/** Every clawctl subcommand, in the order `clawctl --help` lists them. */
export const COMMANDS: readonly ClawctlCommand[] = [configCommand];
