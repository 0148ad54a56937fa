/** What a human should do about each structural reason: the one line the log and the diagnosis carry. */
const HINTS: Record<string, string> = {
  'config-invalid':
    'the gateway rejected its config (exit 78): run `openclaw doctor` or fix ~/.openclaw/openclaw.json; clawsupd retries when the file changes or on `clawctl resume`',
  'module-not-found':
    'the gateway install is missing or moved (an upgrade?): reinstall openclaw or point gateway.command at the new install; clawsupd retries when its config changes or on `clawctl resume`',
  'command-not-found':
    'gateway.command[0] was not found on PATH: install it or fix gateway.command in the clawsupd config',
  'permission-denied': 'permission denied: check the owner and mode of the gateway command and of its state directory',
  'unsupported-runtime': 'the gateway needs a newer Node.js than the one on PATH: install it or set gateway.command to its node',
  'duplicate-gateway':
    'another gateway holds the lock or port: stop the other instance (an old openclaw-gateway service or LaunchAgent?) or run `clawctl doctor`',
  hang: 'the gateway stopped answering its health probe repeatedly: read `clawctl logs` for what it was doing',
  'start-timeout': 'the gateway never reported started: read `clawctl logs`; a slow node may need a larger health.startTimeoutMs',
  'early-exit': 'the gateway exits 0 right after starting: check gateway.command (a wrapper printing help or a misread flag?)',
};

const DEFAULT_HINT = 'the gateway keeps failing: read the evidence and `clawctl logs`, fix the cause, then `clawctl resume`';

export function hintFor(reason: string): string {
  return HINTS[reason] ?? DEFAULT_HINT;
}
