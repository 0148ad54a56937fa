// systemd's variables belong to clawsupd: the gateway must neither talk to systemd nor think it is a systemd service.
const SYSTEMD_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'INVOCATION_ID', 'JOURNAL_STREAM', 'SYSTEMD_EXEC_PID'];

// The units tune clawsupd's own malloc and Node with these; the gateway keeps the defaults unless gateway.env sets them.
const DAEMON_TUNING_VARIABLES = ['MALLOC_MMAP_THRESHOLD_', 'NODE_COMPILE_CACHE'];

/**
 * The gateway's environment: the daemon's, then the config's `gateway.env`, then what clawsup insists on. With
 * `isConfigReadOnly` (gatewayConfig.readOnly) OpenClaw's own config writers refuse, so only the apply gate changes it.
 */
export function buildGatewayEnv(daemonEnv: NodeJS.ProcessEnv, configEnv: Record<string, string>, isConfigReadOnly = false): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(daemonEnv)) {
    if (value !== undefined && !SYSTEMD_VARIABLES.includes(key) && !DAEMON_TUNING_VARIABLES.includes(key)) env[key] = value;
  }
  for (const [key, value] of Object.entries(configEnv)) {
    if (!SYSTEMD_VARIABLES.includes(key)) env[key] = value;
  }
  env.OPENCLAW_SUPERVISOR_MODE = 'external';
  if (isConfigReadOnly) env.OPENCLAW_CONFIG_READONLY = '1';
  return env;
}
