import type { Platform } from '../install/layout.js';
import type { OpenclawService } from '../install/openclaw-services.js';

/** What doctor looked at, gathered before any check runs; null means it could not be found out. */
export interface DoctorFacts {
  platform: Platform;
  openclawServices: readonly OpenclawService[];
  /** The clawsup service file install wrote, if any. */
  clawsupServiceFile: string | null;
  /** Processes titled openclaw-gateway, with their network namespace (Linux) when readable. */
  gatewayProcesses: ReadonlyArray<{ pid: number; netns: string | null }> | null;
  /** The gateway pid clawsupd reports in status.json; null when clawsupd is not running. */
  supervisedGatewayPid: number | null;
  /** `pmset -g` output (macOS). */
  pmsetOutput: string | null;
  /** `--bind` of the gateway command, else gateway.bind of the OpenClaw config; null when neither says (OpenClaw's default is loopback). */
  gatewayBind: string | null;
  /** Processes below the supervised gateway living in another network namespace than the gateway. */
  foreignNetnsDescendants: ReadonlyArray<{ pid: number; command: string }> | null;
  /** agents.defaults.model of the OpenClaw config; `error` when the file could not be read. */
  openclawModel: { path: string; fallbacks: readonly string[] | null; error: string | null } | null;
  /** Every path the installed unit or plist starts through, with the target of a stable link. */
  servicePaths: ReadonlyArray<{ path: string; exists: boolean }> | null;
  /** The node the gateway would run on (first on the gateway's PATH) and the openclaw package's engines.node. */
  gatewayNode: { nodeVersion: string | null; engines: string | null; packageJson: string | null } | null;
  /** health.url and the TCP ports the supervised gateway's process group listens on (null: no /proc, or no gateway). */
  healthProbe: { url: string; isEnabled: boolean; listenPorts: readonly number[] | null } | null;
}
