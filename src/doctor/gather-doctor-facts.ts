import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClawsupConfig } from '../config/schema.js';
import type { DoctorFacts } from './doctor-facts.js';
import { resolveLayout, type Platform } from '../install/layout.js';
import type { CommandRunner } from '../install/command-runner.js';
import { underRoot } from '../install/install-root.js';
import { readOpenclawConfig, type OpenclawConfigRead } from '../gateway/openclaw-config.js';
import { readGatewayRecord } from '../gateway/gateway-record.js';
import { isProcessAlive, isSameProcess } from '../gateway/process-identity.js';
import { resolveCommand } from '../gateway/resolve-command.js';
import { scanOpenclawServices } from '../install/scan-services.js';
import { STATUS_FILE } from '../status/status-files.js';
import { listGatewayListenPorts } from '../gateway/socket-owner/read-socket-owner.js';

export interface DoctorRequest {
  platform: Platform;
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** null when the clawsupd config could not be loaded: the checks that need it say unknown. */
  config: ClawsupConfig | null;
  runner: CommandRunner;
}

const GATEWAY_TITLE = 'openclaw-gateway';
// Linux keeps 15 characters of a process name in /proc/PID/comm.
const COMM_LENGTH = 15;

/** Looks at the node: service files, processes, the OpenClaw config and install. Never throws; unknowns are null. */
export async function gatherDoctorFacts(request: DoctorRequest): Promise<DoctorFacts> {
  const { platform, root, home, config } = request;
  const serviceFile = ['user', 'system'].map((scope) => resolveLayout(platform, scope as 'user' | 'system', home).serviceFile).find((path) => existsSync(underRoot(root, path))) ?? null;
  const supervisedGatewayPid = config === null ? null : readSupervisedGatewayPid(config.status.dir);
  // The same OpenClaw config the probes read, its default looked for under the (test) root.
  const openclaw = config === null ? null : readOpenclawConfig(config, { ...request.env, HOME: underRoot(root, home) });
  const gatewayProcesses = platform === 'linux' ? listLinuxGateways() : await listDarwinGateways(request.runner);
  return {
    platform,
    openclawServices: scanOpenclawServices(platform, home, root),
    clawsupServiceFile: serviceFile,
    gatewayProcesses,
    supervisedGatewayPid,
    pmsetOutput: platform === 'darwin' ? await readCommandOutput(request.runner, ['pmset', '-g']) : null,
    gatewayBind: config === null ? null : findGatewayBind(config, openclaw),
    foreignNetnsDescendants: platform === 'linux' && supervisedGatewayPid !== null ? findForeignNetnsDescendants(supervisedGatewayPid) : null,
    openclawModel: openclaw === null ? null : readModel(openclaw),
    servicePaths: serviceFile === null ? null : readServicePaths(root, underRoot(root, serviceFile), home),
    gatewayNode: config === null ? null : await findGatewayNode(config, request),
    healthProbe: config === null ? null : {
      url: config.health.url,
      isEnabled: config.health.enabled,
      listenPorts: platform === 'linux' && supervisedGatewayPid !== null ? readListenPorts(supervisedGatewayPid) : null,
    },
  };
}

/** The gateway a live clawsupd supervises: its pid record checked against the process's start time, so a reused pid is not it. */
function readSupervisedGatewayPid(statusDir: string): number | null {
  try {
    const status = JSON.parse(readFileSync(join(statusDir, STATUS_FILE), 'utf8')) as { daemon?: { pid?: unknown } };
    const record = readGatewayRecord(statusDir);
    if (!isProcessAlive(Number(status.daemon?.pid)) || record === null) return null;
    return isSameProcess(record.pid, record.startTime) ? record.pid : null;
  } catch {
    return null;
  }
}

/** Null when this user may not read the gateway's sockets (another user's gateway): an empty list would be a lie. */
function readListenPorts(gatewayPid: number): number[] | null {
  try {
    readdirSync(`/proc/${gatewayPid}/fd`);
  } catch {
    return null;
  }
  return listGatewayListenPorts(gatewayPid);
}

function listLinuxGateways(): Array<{ pid: number; netns: string | null }> | null {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        const argv0 = readQuietly(`/proc/${pid}/cmdline`)?.split('\0')[0];
        const comm = readQuietly(`/proc/${pid}/comm`)?.trim();
        return argv0 === GATEWAY_TITLE || comm === GATEWAY_TITLE.slice(0, COMM_LENGTH);
      })
      .map((pid) => ({ pid: Number(pid), netns: readNetns(Number(pid)) }));
  } catch {
    return null;
  }
}

async function listDarwinGateways(runner: CommandRunner): Promise<Array<{ pid: number; netns: string | null }> | null> {
  const output = await readCommandOutput(runner, ['ps', '-axo', 'pid=,comm=']);
  if (output === null) return null;
  return output
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && match[2]?.trim() === GATEWAY_TITLE)
    .map((match) => ({ pid: Number(match[1]), netns: null }));
}

function findGatewayBind(config: ClawsupConfig, openclaw: OpenclawConfigRead | null): string | null {
  const command = config.gateway.command;
  for (let i = 0; i < command.length; i += 1) {
    const arg = command[i] ?? '';
    if (arg === '--bind') return command[i + 1] ?? null;
    if (arg.startsWith('--bind=')) return arg.slice('--bind='.length);
  }
  const bind = (openclaw?.parsed as { gateway?: { bind?: unknown } } | null)?.gateway?.bind;
  return typeof bind === 'string' ? bind : null;
}

function findForeignNetnsDescendants(gatewayPid: number): Array<{ pid: number; command: string }> | null {
  const own = readNetns(gatewayPid);
  if (own === null) return null;
  const foreign: Array<{ pid: number; command: string }> = [];
  const queue = listChildren(gatewayPid);
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const netns = readNetns(pid);
    if (netns !== null && netns !== own) foreign.push({ pid, command: readQuietly(`/proc/${pid}/comm`)?.trim() ?? '?' });
    queue.push(...listChildren(pid));
  }
  return foreign;
}

function listChildren(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      (readQuietly(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ').filter((child) => child !== '').map(Number),
    );
  } catch {
    return [];
  }
}

function readNetns(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

function readModel(openclaw: OpenclawConfigRead): { path: string; fallbacks: string[] | null; error: string | null } {
  const { path, parsed, error } = openclaw;
  if (error !== null) return { path, fallbacks: null, error };
  const model = (parsed as { agents?: { defaults?: { model?: unknown } } } | null)?.agents?.defaults?.model;
  const fallbacks = typeof model === 'object' && model !== null ? (model as { fallbacks?: unknown }).fallbacks : undefined;
  return { path, fallbacks: Array.isArray(fallbacks) ? fallbacks.map(String) : null, error: null };
}

/** The absolute paths the unit's ExecStart or the plist's ProgramArguments name, each checked through its links. */
export function readServicePaths(root: string, file: string, home: string): Array<{ path: string; exists: boolean }> | null {
  const text = readQuietly(file);
  if (text === null) return null;
  const paths = file.endsWith('.plist') ? listPlistProgramPaths(text) : listExecStartPaths(text, home);
  return paths.map((path) => ({ path, exists: existsSync(underRoot(root, path)) }));
}

function listExecStartPaths(text: string, home: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(text)?.[1] ?? '';
  const environment = new Map([...text.matchAll(/^Environment=([A-Z_]+)=(\S+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
  return line
    .split(/\s+/)
    .map((token) => token.replace(/^\$\{([A-Z_]+)\}$/, (_, name: string) => environment.get(name) ?? token).replaceAll('%h', home))
    .filter((token) => token.startsWith('/'));
}

function listPlistProgramPaths(text: string): string[] {
  const array = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(text)?.[1] ?? '';
  return [...array.matchAll(/<string>([^<]*)<\/string>/g)]
    .map((match) => (match[1] ?? '').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&'))
    .filter((value) => value.startsWith('/'));
}

async function findGatewayNode(config: ClawsupConfig, request: DoctorRequest): Promise<DoctorFacts['gatewayNode']> {
  const pathVariable = config.gateway.env.PATH ?? request.env.PATH;
  const cwd = config.gateway.cwd ?? process.cwd();
  const [command = ''] = config.gateway.command;
  const resolved = resolveCommand(command, cwd, pathVariable);
  const packageJson = resolved.ok ? findOpenclawPackage(resolved.path) : null;
  if (packageJson === null) return { nodeVersion: null, engines: null, packageJson: null };
  const node = resolveCommand('node', cwd, pathVariable);
  const nodeVersion = node.ok ? (await readCommandOutput(request.runner, [node.path, '--version']))?.trim() ?? null : null;
  try {
    const engines = (JSON.parse(readFileSync(packageJson, 'utf8')) as { engines?: { node?: unknown } }).engines?.node;
    return { nodeVersion, engines: typeof engines === 'string' ? engines : null, packageJson };
  } catch {
    return { nodeVersion, engines: null, packageJson };
  }
}

/** Walks up from the real path of the gateway command to the package.json named openclaw. */
function findOpenclawPackage(commandPath: string): string | null {
  let dir: string;
  try {
    dir = dirname(realpathSync(commandPath));
  } catch {
    return null;
  }
  for (;;) {
    const candidate = join(dir, 'package.json');
    const text = readQuietly(candidate);
    if (text !== null && /"name"\s*:\s*"openclaw"/.test(text)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

async function readCommandOutput(runner: CommandRunner, argv: string[]): Promise<string | null> {
  const result = await runner(argv);
  return result.code === 0 ? result.stdout : null;
}

function readQuietly(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
