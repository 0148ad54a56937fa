/** The one catalogue of clawsup's own errors: a stable code, the exit code it ends a command with, and what it means. */
export const ERROR_CATALOGUE = {
  CLAWSUP_ERR_USAGE: { exitCode: 64, summary: 'bad command-line arguments' },
  CLAWSUP_ERR_CONFIG_READ: { exitCode: 78, summary: 'the config file could not be read' },
  CLAWSUP_ERR_CONFIG_PARSE: { exitCode: 78, summary: 'the config file is not valid JSON5' },
  CLAWSUP_ERR_CONFIG_INVALID: { exitCode: 78, summary: 'the config does not match the schema' },
  CLAWSUP_ERR_ALREADY_RUNNING: { exitCode: 79, summary: 'another clawsupd already supervises this status dir' },
  CLAWSUP_ERR_STATUS_DIR: { exitCode: 73, summary: 'the status dir cannot be created or written' },
  CLAWSUP_ERR_SOCKET: { exitCode: 73, summary: 'the control socket cannot be created, or its folder is unsafe' },
  CLAWSUP_ERR_NO_DAEMON: { exitCode: 69, summary: 'no clawsupd answered on the control socket' },
  CLAWSUP_ERR_SOCKET_PERMISSION: { exitCode: 77, summary: 'the control socket refused this user (owner only, or the control.group)' },
  CLAWSUP_ERR_REFUSED: { exitCode: 75, summary: 'clawsupd refused the request in its current mode (resume outside diagnose, start when not held)' },
  CLAWSUP_ERR_PROTOCOL: { exitCode: 76, summary: 'clawsupd or clawctl sent something the other did not understand' },
  CLAWSUP_ERR_SKILL_NAME: { exitCode: 65, summary: 'a skill name that is not 1-64 characters of a-z 0-9 . _ - starting with a letter or digit' },
  CLAWSUP_ERR_SKILL_FILE: { exitCode: 73, summary: 'a skill status file cannot be written' },
  CLAWSUP_ERR_DUPLICATE_GATEWAY: { exitCode: 73, summary: 'install refused: an OpenClaw gateway service is already installed' },
  CLAWSUP_ERR_INSTALL_UNTRUSTED: { exitCode: 77, summary: 'install refused: a binary the service would run can be replaced by a user other than root or the run-as user' },
  CLAWSUP_ERR_UNKNOWN_USER: { exitCode: 67, summary: 'install refused: the --run-as user does not exist (install does not create users)' },
  CLAWSUP_ERR_INSTALL: { exitCode: 74, summary: 'install or uninstall could not finish a step (the message names it)' },
  CLAWSUP_ERR_NOT_INSTALLED: { exitCode: 66, summary: 'uninstall found no install manifest for that scope' },
  CLAWSUP_ERR_EVENTS_READ: { exitCode: 66, summary: 'the event journal (status.dir/events.ndjson) cannot be read' },
  CLAWSUP_ERR_HTTP_LISTEN: { exitCode: 73, summary: 'the http.listen address cannot be bound (port in use, address not on this machine, privileged port)' },
  CLAWSUP_ERR_HTTP_SECRET: { exitCode: 78, summary: 'http.tokenFile or an http.tls file cannot be used (unreadable, empty, not a regular file, readable by its group or everyone)' },
  CLAWSUP_ERR_METRICS_TEXTFILE: { exitCode: 73, summary: 'the metrics.textfile cannot be written (its folder cannot be made, or refuses writes)' },
  CLAWSUP_ERR_GATEWAY_CONFIG_READ: { exitCode: 66, summary: 'gateway-config apply: the candidate file cannot be read (missing, not a regular file, a symlink, over 1 MiB)' },
  CLAWSUP_ERR_GATEWAY_CONFIG_INVALID: { exitCode: 78, summary: 'gateway-config apply refused the candidate before the swap (not JSON5, $include, rejected by the gateway\'s validator); the live config is untouched' },
  CLAWSUP_ERR_GATEWAY_CONFIG_ROLLED_BACK: { exitCode: 1, summary: 'gateway-config apply swapped the candidate in, the gateway was not healthy on it, and the backup was restored' },
  CLAWSUP_ERR_GATEWAY_CONFIG_UNKNOWN: { exitCode: 65, summary: 'gateway-config: no apply with that id in the history, or it has no backup' },
  CLAWSUP_ERR_FLEET_INVENTORY: { exitCode: 78, summary: 'the fleet inventory (fleet.json5) cannot be read, is not JSON5, or lists a node wrongly (the message names file:line:column)' },
  CLAWSUP_ERR_INTERNAL: { exitCode: 70, summary: 'a bug in clawsup: please report it with the log' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

// A registered symbol, not the class, marks our errors: clawctl's bundle and the commands it imports from dist/ each
// hold their own copy of this module, so `instanceof` would miss an error thrown by the other copy.
const CLAWSUP_ERROR_BRAND = Symbol.for('clawsup.error');

export class ClawsupError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly [CLAWSUP_ERROR_BRAND] = true;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClawsupError';
    this.code = code;
    this.exitCode = ERROR_CATALOGUE[code].exitCode;
  }
}

export function isClawsupError(error: unknown): error is ClawsupError {
  return typeof error === 'object' && error !== null && (error as { [CLAWSUP_ERROR_BRAND]?: unknown })[CLAWSUP_ERROR_BRAND] === true;
}
