import type { ClawctlCommandEntry } from '../command.js';

/**
 * Every clawctl subcommand, in the order `clawctl --help` lists them. Each is loaded only when it runs, so
 * `clawctl status` pays for its own imports and nobody else's.
 */
export const COMMANDS: readonly ClawctlCommandEntry[] = [
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'restart', load: async () => (await import('./restart.js')).restartCommand },
  { name: 'resume', load: async () => (await import('./resume.js')).resumeCommand },
  { name: 'stop', load: async () => (await import('./stop.js')).stopCommand },
  { name: 'start', load: async () => (await import('./start.js')).startCommand },
  { name: 'diagnose', load: async () => (await import('./diagnose.js')).diagnoseCommand },
  { name: 'logs', load: async () => (await import('./logs.js')).logsCommand },
  { name: 'events', load: async () => (await import('./events.js')).eventsCommand },
  { name: 'cron', load: async () => (await import('./cron.js')).cronCommand },
  { name: 'fleet', load: async () => (await import('./fleet.js')).fleetCommand },
  { name: 'config', load: async () => (await import('./config-check.js')).configCommand },
  { name: 'skill', load: async () => (await import('./skill.js')).skillCommand },
  { name: 'install', load: async () => (await import('./install.js')).installCommand },
  { name: 'uninstall', load: async () => (await import('./uninstall.js')).uninstallCommand },
  { name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'audit', load: async () => (await import('./audit.js')).auditCommand },
  { name: 'gateway-config', load: async () => (await import('./gateway-config.js')).gatewayConfigCommand },
  { name: 'completion', load: async () => (await import('./completion.js')).completionCommand },
];
