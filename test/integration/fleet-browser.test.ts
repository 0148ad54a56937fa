import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import JSON5 from 'json5';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killClawctls, startClawctl, type ClawctlProcess } from '../helpers/clawctl-process.js';
import { cleanupDaemons, REPO_ROOT } from '../helpers/daemon.js';
import { answerJson, makeView, startFakeNode, type FakeNode } from '../helpers/fleet-fake-node.js';
import { HOSTILE_GATEWAY_LINE, HOSTILE_SKILL_MESSAGE, startThreeNodes, type ThreeNodes } from '../helpers/fleet-nodes.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// Debian's chromium, which .ci/run installs: npm's browser downloads fail on these machines.
const CHROMIUM = '/usr/bin/chromium';

interface PageRow {
  node: string;
  mode: string;
  cells: Record<string, string>;
  timeline: string[];
}

/** The rendered table as the DOM has it: each row's cells by column label, and its timeline's segment states. */
function readRows(page: Page): Promise<PageRow[]> {
  return page.$$eval('tr.node', (rows) =>
    rows.map((row) => {
      const node = row.getAttribute('data-node') ?? '';
      const cells = Object.fromEntries([...row.querySelectorAll('td')].map((cell) => [cell.getAttribute('data-label') ?? '', cell.textContent ?? '']));
      const timelineRow = row.nextElementSibling;
      const timeline = [...(timelineRow?.querySelectorAll('rect.seg') ?? [])].map((rect) => rect.getAttribute('data-state') ?? '');
      return { node, mode: row.getAttribute('data-mode') ?? '', cells, timeline };
    }),
  );
}

/** What a click on the node shows, and whether any markup from the node's strings became elements or ran. */
async function readDetail(page: Page): Promise<{ text: string; evidence: string[]; injected: number; pwned: unknown; scripts: number }> {
  return page.evaluate(() => {
    // This runs in the page; the test's TypeScript has no DOM library, so the page's globals are reached untyped.
    const { document, window } = globalThis as any;
    const detail = document.getElementById('detail');
    return {
      text: detail.innerText,
      evidence: [...detail.querySelectorAll('pre')].map((pre: any) => pre.textContent ?? ''),
      injected: detail.querySelectorAll('script, img, b').length,
      pwned: window.__pwned,
      scripts: document.scripts.length,
    };
  });
}

const DELTA_TOKEN = 'delta-token-5c1e';
const HOUR_MS = 3_600_000;

/** A node's day replayed (a fake node API): a crash and restart, a degraded hour, a diagnose fixed by the operator. */
function replayedDay(nowMs: number): Record<string, unknown> {
  const at = (hoursAgo: number): string => new Date(nowMs - hoursAgo * HOUR_MS).toISOString();
  const changes: Array<[number, string, string]> = [
    [23.4, 'starting', 'healthy'],
    [15, 'healthy', 'backoff'],
    [14.9, 'backoff', 'starting'],
    [14.85, 'starting', 'healthy'],
    [8, 'healthy', 'degraded'],
    [6.5, 'degraded', 'healthy'],
    [3, 'healthy', 'diagnose'],
    [2, 'diagnose', 'starting'],
    [1.95, 'starting', 'healthy'],
  ];
  const view = makeView('delta', 'healthy', nowMs);
  const status = view.status as Record<string, any>;
  status.since = at(1.95);
  status.gateway.startedAt = at(2);
  status.cron = { role: 'leader', term: 12 };
  view.events = [
    { seq: 1, at: at(23.5), type: 'daemon-started' },
    ...changes.map(([hoursAgo, from, to], index) => ({ seq: index + 2, at: at(hoursAgo), type: 'mode-changed', from, to })),
    { seq: 20, at: at(14.9), type: 'gateway-restarted' },
    { seq: 21, at: at(2), type: 'gateway-restarted' },
  ];
  return view;
}

describe('the status pages in headless Chromium', () => {
  let temp: { path: string; remove(): void };
  let fleet: ThreeNodes;
  let serve: ClawctlProcess;
  let fleetUrl: string;
  let browser: Browser;
  let delta: FakeNode;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    temp = makeTempDir('cs-fleetb-');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does)`);
    fleet = await startThreeNodes(temp.path);
    delta = await startFakeNode(DELTA_TOKEN, answerJson(replayedDay(Date.now())));
    writeFileSync(join(temp.path, 'delta.token'), `${DELTA_TOKEN}\n`, { mode: 0o600 });
    const inventory = JSON5.parse(readFileSync(fleet.inventoryPath, 'utf8')) as { nodes: Array<Record<string, string>> };
    inventory.nodes.push({ name: 'delta', url: delta.url, tokenFile: 'delta.token' }, { name: 'echo', url: `http://127.0.0.1:${await freePort()}`, tokenFile: 'delta.token' });
    const inventoryPath = join(temp.path, 'fleet-five.json5');
    writeFileSync(inventoryPath, JSON.stringify(inventory, null, 2));
    const port = await freePort();
    serve = startClawctl(['fleet', 'serve', '--inventory', inventoryPath, '--listen', `127.0.0.1:${port}`], { env: fleet.env });
    await serve.waitForStdout('serving', (stdout) => stdout.includes('serving the fleet page'));
    fleetUrl = `http://127.0.0.1:${port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await delta?.close();
    await killClawctls();
    await cleanupDaemons();
    temp?.remove();
  });

  const openPage = async (width = 1280, height = 640): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    return page;
  };

  it("a node's own page, signed in with ?token= once: its row, its timeline, and a skill message shown as text", async () => {
    const { charlie } = fleet.nodes;
    const page = await openPage();
    const response = await page.goto(`http://127.0.0.1:${charlie.port}/?token=${charlie.token}`);
    expect(page.url()).toBe(`http://127.0.0.1:${charlie.port}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'sha256-");
    await page.waitForSelector('tr.node', { timeout: 10_000 });
    const [row] = await readRows(page);
    expect(row).toMatchObject({ mode: 'held', cells: { Mode: 'held', Skills: 'failing: backup', 'Last exit': 'clean: stopped (exit 0)' } });
    // The day so far: nothing known, then started, healthy, down while stopping (too brief to draw, at times), held.
    const timeline = row?.timeline ?? [];
    expect(timeline.slice(0, 3)).toEqual(['unknown', 'starting', 'healthy']);
    expect(timeline.at(-1)).toBe('held');
    await page.click('tr.node');
    const detail = await readDetail(page);
    expect(detail.text).toContain(`backup\nfailing: ${HOSTILE_SKILL_MESSAGE}`);
    expect(detail).toMatchObject({ injected: 0, pwned: undefined, scripts: 1 });
    expect(await page.content()).not.toContain(charlie.token);
    await page.close();
  });

  it('the fleet page: one row a node, each timeline, a click shows the diagnosis and an HTML-laden output line as text', async () => {
    const page = await openPage();
    const response = await page.goto(fleetUrl);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await waitFor('five rows', async () => (await page.$$('tr.node')).length === 5);
    const rows = await readRows(page);
    expect(rows.map(({ node, mode }) => [node, mode])).toEqual([
      ['alpha', 'healthy'],
      ['bravo', 'diagnose'],
      ['charlie', 'held'],
      ['delta', 'healthy'],
      ['echo', 'unreachable'],
    ]);
    // The replayed day, segment by segment, as drawn.
    expect(rows[3]?.timeline).toEqual(['unknown', 'starting', 'healthy', 'backoff', 'starting', 'healthy', 'degraded', 'healthy', 'diagnose', 'starting', 'healthy']);
    expect(rows[3]?.cells).toMatchObject({ 'Restarts 24 h': '2', Cron: 'leader (term 12)', Uptime: '2h' });
    const degradedWidth = await page.$eval('tr.timeline[data-node="delta"] rect[data-state="degraded"]', (rect) => Number(rect.getAttribute('width')));
    expect(degradedWidth).toBeCloseTo((1.5 / 24) * 1000, 0);
    expect(rows[4]?.timeline).toEqual(['down']);
    expect(rows[4]?.cells['Last exit']).toMatch(/^connection refused/);
    expect(rows[0]?.timeline.slice(-2)).toEqual(['starting', 'healthy']);
    expect(rows[1]?.timeline.at(-1)).toBe('diagnose');
    expect(rows[1]?.cells['Last exit']).toMatch(/^structural: [a-z-]+ \(exit 78\)$/);
    expect(rows[2]?.cells.Skills).toBe('failing: backup');
    await page.click('tr.node[data-node="bravo"]');
    const detail = await readDetail(page);
    expect(detail.text).toMatch(/Diagnosis\nreason\n\S+\ntrigger\nstructural\nhint\n\S/);
    expect(detail.evidence.some((lines) => lines.includes(HOSTILE_GATEWAY_LINE))).toBe(true);
    expect(detail).toMatchObject({ injected: 0, pwned: undefined, scripts: 1 });
    // CLAWSUP_FLEET_SCREENSHOT=docs/fleet-page.png keeps the picture the README shows.
    const screenshot = process.env.CLAWSUP_FLEET_SCREENSHOT ? resolve(process.env.CLAWSUP_FLEET_SCREENSHOT) : join(temp.path, 'fleet-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`fleet page screenshot: ${screenshot}`);
    expect(existsSync(screenshot)).toBe(true);
    const html = await page.content();
    const api = await (await page.request.get(`${fleetUrl}api/fleet`)).text();
    for (const { token } of Object.values(fleet.nodes)) {
      expect(html).not.toContain(token);
      expect(api).not.toContain(token);
    }
    // It asks again by itself: the body's refresh mark moves within a refresh or two.
    const first = await page.getAttribute('body', 'data-refreshed');
    await waitFor('the page to refresh itself', async () => (await page.getAttribute('body', 'data-refreshed')) !== first, 12_000);
    // An ask that fails keeps the last answer on screen, and says so.
    await page.route('**/api/fleet', (route) => route.abort());
    await waitFor('the page to say it could not refresh', async () => (await page.getAttribute('#updated', 'class')) === 'stale', 12_000);
    expect(await page.textContent('#updated')).toMatch(/^could not refresh \(.+\); showing the last answer$/);
    expect(await page.$$('tr.node')).toHaveLength(5);
    await page.close();
  });

  it('reads on a phone: no header row, each node a card with labelled cells, nothing wider than the screen', async () => {
    const page = await openPage(390, 844);
    await page.goto(fleetUrl);
    await waitFor('five rows', async () => (await page.$$('tr.node')).length === 5);
    const layout = await page.evaluate(() => {
      const { document, getComputedStyle } = globalThis as any;
      return {
        thead: getComputedStyle(document.querySelector('thead')).display,
        label: getComputedStyle(document.querySelector('tr.node td.cell-mode'), '::before').content,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    expect(layout).toEqual({ thead: 'none', label: '"Mode: "', overflow: 0 });
    await page.close();
  });

  it("renders from the daemon's bundle too (scripts/bundle.mjs: keepNames, minified syntax, names renamed on collision)", async () => {
    const entry = join(temp.path, 'bundle-entry.ts');
    // Top-level names like the view model's, so the bundler must rename one side.
    writeFileSync(entry, [
      `export { renderStatusPage, STATUS_PAGE_HEADERS } from ${JSON.stringify(join(REPO_ROOT, 'src/fleet/status-page.ts'))};`,
      'export function createViewModel() { return 1; }',
      'export function formatSpan() { return 2; }',
      'export function describeEntry() { return 3; }',
    ].join('\n'));
    const outfile = join(temp.path, 'page.cjs');
    buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minifyWhitespace: true, minifySyntax: true, keepNames: true, logLevel: 'silent' });
    const bundled = createRequire(import.meta.url)(outfile) as typeof import('../../src/fleet/status-page.js');
    const html = bundled.renderStatusPage({ title: 'bundled', viewPath: '/api/v1/view', kind: 'node' });
    expect(html).toContain('__name(');
    const page = await openPage();
    await page.route('http://bundle.test/**', (route) => {
      const isView = route.request().url().endsWith('/api/v1/view');
      return isView
        ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(replayedDay(Date.now())) })
        : route.fulfill({ status: 200, headers: { ...bundled.STATUS_PAGE_HEADERS }, body: html });
    });
    await page.goto('http://bundle.test/');
    await page.waitForSelector('tr.node', { timeout: 10_000 });
    const [row] = await readRows(page);
    expect(row).toMatchObject({ node: 'delta', mode: 'healthy', cells: { 'Restarts 24 h': '2', Uptime: '2h' } });
    expect(row?.timeline).toHaveLength(11);
    await page.close();
  });

  it('ran no script or style the policy refused, and Ctrl-C ends fleet serve with exit 0', async () => {
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    expect(await serve.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });
});
