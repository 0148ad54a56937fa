import type { BenchRow } from './measure.js';

/** A Markdown table, ready for the README's performance section. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['measure', 'contender', 'median', 'p99', 'runs', 'clawsup target', 'met', 'load'];
  const lines = rows.map((row) => [
    row.measure,
    row.contender,
    `${formatNumber(row.summary.median)} ${row.unit}`,
    `${formatNumber(row.summary.p99)} ${row.unit}`,
    String(row.summary.runs),
    row.target ?? '',
    row.isMet === undefined ? '' : row.isMet ? 'yes' : 'NO',
    row.loadAvg[0]?.toFixed(2) ?? '',
  ]);
  const notes = rows.filter((row) => row.note).map((row) => `- ${row.contender}, ${row.measure}: ${row.note}`);
  const toLine = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [toLine(header), toLine(header.map(() => '---')), ...lines.map(toLine), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
