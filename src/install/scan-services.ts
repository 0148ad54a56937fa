import { readdirSync } from 'node:fs';
import { findOpenclawServices, listServiceDirs, type OpenclawService } from './openclaw-services.js';
import type { Platform } from './layout.js';
import { underRoot } from './install-root.js';

/** The OpenClaw gateway services installed in the usual directories (paths as the system sees them). */
export function scanOpenclawServices(platform: Platform, home: string, root: string): OpenclawService[] {
  const found = listServiceDirs(platform, home).map(({ dir, kind }) => ({ dir, kind, names: listNames(underRoot(root, dir)) }));
  return findOpenclawServices(found);
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
