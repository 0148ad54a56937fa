// systemd's variables belong to clawsupd: the gateway must neither talk to systemd nor think it is a systemd service.
const SYSTEMD_VARIABLES = ['NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'INVOCATION_ID', 'JOURNAL_STREAM', 'SYSTEMD_EXEC_PID'];

/**
 * The gateway's environment: the daemon's, then the config's `gateway.env`, then what clawsup insists on. With
 * `isConfigReadOnly` (gatewayConfig.readOnly) OpenClaw's own config writers refuse, so only the apply gate changes it.
 */
export function buildGatewayEnv(daemonEnv: NodeJS.ProcessEnv, configEnv: Record<string, string>, isConfigReadOnly = false): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...daemonEnv, ...configEnv })) {
    if (value !== undefined && !SYSTEMD_VARIABLES.includes(key)) env[key] = value;
  }
  env.OPENCLAW_SUPERVISOR_MODE = 'external';
  if (isConfigReadOnly) env.OPENCLAW_CONFIG_READONLY = '1';
  return env;
}
