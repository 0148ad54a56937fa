import { cpus, loadavg, release, totalmem } from 'node:os';

/**
 * The environment every contender runs in. NODE_EXTRA_CA_CERTS is unset for all alike: on these machines it makes
 * each Node start read a CA bundle (about 150 ms), which would swamp what is measured here.
 */
export function buildBenchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export interface MachineFacts {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  loadAvgAtStart: number[];
}

export function describeMachine(): MachineFacts {
  const all = cpus();
  return {
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    cpuCount: all.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadAvgAtStart: roundLoad(loadavg()),
  };
}

export function readLoadAvg(): number[] {
  return roundLoad(loadavg());
}

function roundLoad(values: number[]): number[] {
  return values.map((value) => Math.round(value * 100) / 100);
}
