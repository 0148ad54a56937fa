import { readdirSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { configSchema } from '../../src/config/schema.js';
import { CONTROL_ERROR_CODES, CONTROL_METHODS } from '../../src/control/protocol.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { diagnosisSchema, probesSchema, statusSchema } from '../../src/status/status-schema.js';
import { readCode, readCodeBlocks, readSection, readTable } from '../helpers/markdown.js';
import { listConfigKeys } from '../../src/cli/config-keys.js';
import { listMissingKeys } from '../helpers/schema-keys.js';

// The docs are held to the code both ways: what the code declares is documented, and what the docs name exists.
const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const docNames = readdirSync(new URL('docs/', root)).filter((name) => name.endsWith('.md'));
const docs = docNames.map((name) => ({ name: `docs/${name}`, text: readFileSync(new URL(`docs/${name}`, root), 'utf8') }));
const protocolDoc = readFileSync(new URL('docs/control-protocol.md', root), 'utf8');

function difference(left: Iterable<string>, right: Iterable<string>): string[] {
  const exclude = new Set(right);
  return [...new Set(left)].filter((item) => !exclude.has(item)).sort();
}

/** Fails naming every item, so a long list is not cut short in the message. */
function expectNone(items: readonly string[], what: string): void {
  expect(items, `${what}: ${items.join(', ')}`).toEqual([]);
}

function codeCells(rows: { cells: Record<string, string> }[], column: string): string[] {
  return rows.map((row) => readCode(row.cells[column] ?? '')).filter((code): code is string => code !== null);
}

describe('the error catalogue (src/errors.ts) and the README exit-code table', () => {
  const rows = readTable(readSection(readme, 'Exit codes'), ['exit', 'code', 'meaning']);
  const documented = new Map(
    rows.flatMap((row) => {
      const code = readCode(row.cells.code ?? '');
      return code === null ? [] : [[code, row.cells.exit ?? ''] as const];
    }),
  );

  it('documents every code of the catalogue', () => {
    expectNone(difference(Object.keys(ERROR_CATALOGUE), documented.keys()), 'codes in src/errors.ts with no row in the README exit-code table');
  });

  it('documents only codes that exist', () => {
    expectNone(difference(documented.keys(), Object.keys(ERROR_CATALOGUE)), 'README exit-code rows for codes not in src/errors.ts');
  });

  it.each(Object.entries(ERROR_CATALOGUE))('gives %s its exit code', (code, { exitCode }) => {
    expect(documented.get(code), `the exit of ${code} in the README`).toBe(String(exitCode));
  });

  it('names no unknown CLAWSUP_ERR_ code anywhere in the README or docs/', () => {
    const mentioned = [readme, ...docs.map((doc) => doc.text)].flatMap((text) => text.match(/CLAWSUP_ERR_[A-Z0-9_]+/g) ?? []);
    expectNone(difference(mentioned, Object.keys(ERROR_CATALOGUE)), 'CLAWSUP_ERR_ codes in the docs but not in src/errors.ts');
  });
});

describe('the control protocol (src/control/protocol.ts) and docs/control-protocol.md', () => {
  const errorRows = readTable(readSection(protocolDoc, 'Error codes'), ['code', 'meaning']);
  const methodRows = readTable(readSection(protocolDoc, 'Methods'), ['method', 'params', 'result']);

  it('documents every protocol error code, and only those', () => {
    const documented = codeCells(errorRows, 'code');
    expectNone(difference(Object.keys(CONTROL_ERROR_CODES), documented), 'protocol error codes with no row in docs/control-protocol.md');
    expectNone(difference(documented, Object.keys(CONTROL_ERROR_CODES)), 'docs/control-protocol.md error rows not in CONTROL_ERROR_CODES');
  });

  it('documents every method, and only those', () => {
    const documented = codeCells(methodRows, 'method');
    expectNone(difference(CONTROL_METHODS, documented), 'methods with no row in docs/control-protocol.md');
    expectNone(difference(documented, CONTROL_METHODS), 'docs/control-protocol.md method rows not in CONTROL_METHODS');
  });
});

describe('the config schema (src/config/schema.ts) and the README configuration table', () => {
  const rows = readTable(readSection(readme, 'Configuration'), ['key', 'default', 'meaning']);
  const documented = new Map(rows.flatMap((row) => {
    const key = readCode(row.cells.key ?? '');
    return key === null ? [] : [[key, row.cells.default ?? ''] as const];
  }));
  const keys = listConfigKeys(configSchema);

  it('documents every config key, and only those', () => {
    const inSchema = keys.map((entry) => entry.key);
    expectNone(difference(inSchema, documented.keys()), 'config keys in src/config/schema.ts with no row in the README table');
    expectNone(difference(documented.keys(), inSchema), 'README config rows for keys not in src/config/schema.ts');
  });

  it.each(keys.filter((entry) => entry.hasDefault).map((entry) => [entry.key, entry.defaultValue] as const))(
    'gives %s the schema default %j',
    (key, defaultValue) => {
      const literal = typeof defaultValue === 'number' || typeof defaultValue === 'boolean' ? String(defaultValue) : `\`${typeof defaultValue === 'string' ? defaultValue : JSON.stringify(defaultValue)}\``;
      const cell = documented.get(key) ?? '';
      expect(cell === literal || cell.startsWith(`${literal} `), `README default of ${key}: "${cell}", schema: ${literal}`).toBe(true);
    },
  );
});

describe('the status.json example in the README', () => {
  const [statusExample, diagnosisExample] = readCodeBlocks(readSection(readme, 'status.json'), 'json5').map((block) => JSON5.parse<unknown>(block));

  it('is a status.json the schema accepts, showing every field', () => {
    expect(statusSchema.safeParse(statusExample).error?.issues ?? []).toEqual([]);
    expectNone(listMissingKeys(statusSchema, statusExample), 'status.json fields missing from the README example');
  });

  const probeRows = readTable(readSection(readme, 'status.json'), ['probe', 'states']);
  const documentedStates = new Map(probeRows.map((row) => [readCode(row.cells.probe ?? ''), [...(row.cells.states ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!)]));

  it('has a row of states for every probe, and only those', () => {
    expect([...documentedStates.keys()].sort(), 'probes in the README states table against probesSchema').toEqual(Object.keys(probesSchema.shape).sort());
  });

  it.each(Object.entries(probesSchema.shape).map(([name, probe]) => [name, [...probe.shape.state.options]] as const))('lists every state of the %s probe, and only those', (name, states) => {
    const documented = documentedStates.get(name) ?? [];
    expectNone(difference(states, documented), `${name} states in src/status/status-schema.ts missing from the README`);
    expectNone(difference(documented, states), `${name} states in the README that the schema does not have`);
  });

  it('shows a diagnosis the schema accepts, with every field', () => {
    expect(diagnosisSchema.safeParse(diagnosisExample).error?.issues ?? []).toEqual([]);
    expectNone(listMissingKeys(diagnosisSchema, diagnosisExample), 'diagnosis fields missing from the README example');
  });
});

describe('the clawctl commands (src/cli/commands/index.ts) and the README clawctl table', () => {
  it('documents every command, and only those', () => {
    const rows = readTable(readSection(readme, 'clawctl'), ['command', 'what it does']);
    const documented = codeCells(rows, 'command').map((cell) => cell.split(' ')[0]!);
    const names = COMMANDS.map((command) => command.name);
    expectNone(difference(names, documented), 'clawctl commands with no row in the README');
    expectNone(difference(documented, names), 'README clawctl rows for commands that do not exist');
  });
});
