import type { AuditDiff } from './audit-diff.js';
import type { AuditSnapshot } from './capability.js';

/** What `clawctl audit --json` prints: the issue's public shape. */
export function toAuditJson(snapshot: AuditSnapshot): { at: string; capabilities: AuditSnapshot['capabilities']; lost: string[]; notes: string[] } {
  return { at: snapshot.at, capabilities: snapshot.capabilities, lost: snapshot.lost, notes: snapshot.notes };
}

/** One line per capability, results first so failures stand out, then the lost ones and the baseline. */
export function renderAuditTable(snapshot: AuditSnapshot, baseline: { at: string; isSaved: boolean } | null, runBy: 'clawsupd' | 'clawctl' = 'clawctl'): string {
  const rows = snapshot.capabilities.map((capability) => [
    snapshot.lost.includes(capability.id) ? `${capability.result} (lost)` : capability.result,
    capability.id,
    capability.latencyMs === null ? '-' : `${capability.latencyMs} ms`,
    capability.detail,
  ]);
  const header = ['RESULT', 'CAPABILITY', 'LATENCY', 'DETAIL'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const by = runBy === 'clawsupd' ? 'run by clawsupd' : 'run by clawctl, no clawsupd answered';
  const lines = [`audit at ${snapshot.at} (${snapshot.durationMs} ms, gateway ${snapshot.isGatewayHealthy ? 'healthy' : 'not healthy'}, ${by})`];
  lines.push(rows.length === 0 ? 'no capabilities claimed in the OpenClaw config' : line(header), ...rows.map(line));
  lines.push(`lost: ${snapshot.lost.length === 0 ? 'none' : snapshot.lost.join(', ')}`);
  lines.push(`baseline: ${baseline === null ? 'none yet (the first audit of a healthy gateway becomes it; or clawctl audit --save-baseline)' : `${baseline.at} (${baseline.isSaved ? 'saved' : 'first healthy audit'})`}`);
  for (const note of snapshot.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

export function renderAuditDiff(diff: AuditDiff, fromName: string, toName: string): string {
  const lines = [`${fromName} (${diff.from}) -> ${toName} (${diff.to})`];
  for (const id of diff.lost) lines.push(`lost       ${id}`);
  for (const id of diff.gained) lines.push(`gained     ${id}`);
  for (const change of diff.changed) lines.push(`${change.isImprovement ? 'improved' : 'degraded'}   ${change.id}: ${change.from} -> ${change.to}`);
  if (lines.length === 1) lines.push('no change');
  return `${lines.join('\n')}\n`;
}
