import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import JSON5 from 'json5';
import { z } from 'zod';
import { formatConfigIssues } from '../config/format-issues.js';
import { expandPath } from '../config/expand-path.js';
import { formatPath, locateJson5Paths } from '../config/json5-locations.js';
import { ClawsupError } from '../errors.js';

/** One node the operator watches: where its listener is, and the files holding its token and its CA. */
export interface InventoryNode {
  name: string;
  url: string;
  tokenFile: string;
  caFile: string | null;
}

export interface Inventory {
  path: string;
  nodes: InventoryNode[];
}

export const defaultInventoryPath = (homeDir: string = homedir()): string => join(homeDir, '.config', 'clawsup', 'fleet.json5');

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// An inventory holds no secret itself; each token sits in its own file the operator keeps at 0600.
const inventorySchema = z.strictObject({
  nodes: z
    .array(
      z.strictObject({
        name: z.string().regex(NAME, 'a node name is 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit'),
        url: z.string().refine(isNodeUrl, 'expected an http:// or https:// URL with no user, password, query or fragment (https://mini-1.lan:9464)'),
        tokenFile: z.string().min(1),
        caFile: z.string().min(1).optional(),
      }),
    )
    .min(1, 'list at least one node'),
});

function isNodeUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
}

/** Reads and checks the inventory; every mistake is a CLAWSUP_ERR_FLEET_INVENTORY naming file:line:column. */
export function loadInventory(path: string, homeDir: string = homedir()): Inventory {
  const inventoryPath = resolve(path);
  let text: string;
  try {
    text = readFileSync(inventoryPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const hint = code === 'ENOENT' ? ` (write one: { nodes: [{ name: "mini-1", url: "http://mini-1.lan:9464", tokenFile: "~/.config/clawsup/mini-1.token" }] }, or give --inventory FILE)` : '';
    throw new ClawsupError('CLAWSUP_ERR_FLEET_INVENTORY', `${inventoryPath}: cannot read the fleet inventory: ${code}${hint}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as { lineNumber?: number; columnNumber?: number; message: string };
    const where = lineNumber ? `${inventoryPath}:${lineNumber}:${columnNumber ?? 1}` : inventoryPath;
    throw new ClawsupError('CLAWSUP_ERR_FLEET_INVENTORY', `${where}: not valid JSON5: ${message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')}`);
  }
  const locations = locateJson5Paths(text);
  const result = inventorySchema.safeParse(raw);
  if (!result.success) {
    throw new ClawsupError('CLAWSUP_ERR_FLEET_INVENTORY', formatConfigIssues(result.error.issues, inventoryPath, locations, raw).join('\n'));
  }
  const at = (keyPath: (string | number)[]): string => {
    const where = locations.get(formatPath(keyPath));
    return where ? `${inventoryPath}:${where.line}:${where.column}` : inventoryPath;
  };
  const baseDir = dirname(inventoryPath);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const nodes = result.data.nodes.map((node, index): InventoryNode => {
    const first = seen.get(node.name);
    if (first !== undefined) problems.push(`${at(['nodes', index, 'name'])}: nodes.${index}.name: "${node.name}" is already the name of nodes.${first}; names must be unique`);
    else seen.set(node.name, index);
    const tokenFile = expandPath(node.tokenFile, baseDir, homeDir);
    const tokenProblem = checkReadable(tokenFile, true);
    if (tokenProblem !== null) problems.push(`${at(['nodes', index, 'tokenFile'])}: nodes.${index}.tokenFile: ${tokenFile}: ${tokenProblem}`);
    const caFile = node.caFile === undefined ? null : expandPath(node.caFile, baseDir, homeDir);
    const caProblem = caFile === null ? null : checkReadable(caFile, false);
    if (caProblem !== null) problems.push(`${at(['nodes', index, 'caFile'])}: nodes.${index}.caFile: ${caFile}: ${caProblem}`);
    if (caFile !== null && !node.url.startsWith('https:')) problems.push(`${at(['nodes', index, 'caFile'])}: nodes.${index}.caFile: a CA is for https:// URLs, and this node's url is ${node.url}`);
    return { name: node.name, url: node.url.replace(/\/+$/, ''), tokenFile, caFile };
  });
  if (problems.length > 0) throw new ClawsupError('CLAWSUP_ERR_FLEET_INVENTORY', problems.join('\n'));
  return { path: inventoryPath, nodes };
}

function checkReadable(path: string, isToken: boolean): string | null {
  try {
    const content = readFileSync(path, 'utf8');
    return isToken && content.trim() === '' ? 'the token file is empty' : null;
  } catch (error) {
    return `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** The node's bearer token, read when it is asked (a token rotated on disk is used at the next ask). */
export function readToken(node: InventoryNode): string {
  return readFileSync(node.tokenFile, 'utf8').trim();
}
