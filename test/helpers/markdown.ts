/** Small readers of the project's Markdown, for tests that hold the docs to the code. */

/** The text under the heading `title` (any level), up to the next heading of the same level or higher. */
export function readSection(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === title);
  if (start === -1) throw new Error(`no heading "${title}" in the document`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => {
    const match = /^(#{1,6}) /.exec(line);
    return match !== null && match[1]!.length <= level;
  });
  return (end === -1 ? rest : rest.slice(0, end)).join('\n');
}

export interface TableRow {
  /** The row's cells by header name, trimmed, with `\|` unescaped. */
  cells: Record<string, string>;
  line: string;
}

/** Every row of the first table in `section` whose header has all of `columns`. */
export function readTable(section: string, columns: readonly string[]): TableRow[] {
  const lines = section.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const header = splitRow(lines[index]!);
    if (header === null || !columns.every((column) => header.includes(column))) continue;
    const rows: TableRow[] = [];
    // index + 1 is the |---| separator.
    for (const line of lines.slice(index + 2)) {
      const cells = splitRow(line);
      if (cells === null) break;
      rows.push({ cells: Object.fromEntries(header.map((name, at) => [name, cells[at] ?? ''])), line });
    }
    return rows;
  }
  throw new Error(`no table with columns ${columns.join(', ')} in the section`);
}

/** The bodies of the fenced code blocks tagged `language` in `section`, in order. */
export function readCodeBlocks(section: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm');
  for (const match of section.matchAll(fence)) blocks.push(match[1]!);
  return blocks;
}

/** The text between the first pair of backticks in a cell (`health.url` -> health.url), or null. */
export function readCode(cell: string): string | null {
  const match = /`([^`]+)`/.exec(cell);
  return match === null ? null : match[1]!;
}

function splitRow(line: string): string[] | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return null;
  return trimmed
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}
