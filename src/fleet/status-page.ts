import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * The status page: one HTML document with its stylesheet and script inline, nothing fetched from outside (the nodes
 * have no internet), no framework. The script reads `viewPath` from the body's data attribute, so the script's text
 * never changes and its SHA-256 goes in the Content-Security-Policy: serve the page with STATUS_PAGE_HEADERS and no
 * other script or style can run, not even one that slipped into the HTML.
 */
export interface StatusPageOptions {
  title: string;
  /** Same-origin path the script fetches: `/api/v1/view` (a node's view object) or `/api/fleet` (`{ nodes }`). */
  viewPath: string;
  kind: 'node' | 'fleet';
}

const LEGEND = ['healthy', 'degraded', 'starting', 'backoff', 'diagnose', 'held', 'down', 'unknown'];

export function renderStatusPage(options: StatusPageOptions): string {
  const title = escapeHtml(options.title);
  const legend = LEGEND.map((state) => `<span class="lg-${state}">${state}</span>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body data-view-path="${escapeHtml(options.viewPath)}" data-kind="${options.kind === 'fleet' ? 'fleet' : 'node'}">
<header><h1>${title}</h1><span id="updated">loading…</span></header>
<main>
<table id="nodes">
<thead><tr><th>Node</th><th>Mode</th><th>Since</th><th>Uptime</th><th>Restarts 24 h</th><th>Last exit</th><th>Slack</th><th>Skills</th><th>Cron</th><th>Version</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<div id="legend">${legend}</div>
<section id="detail" hidden></section>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/** Only the page's own script and style run; fetches go to its own origin; nothing frames it. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${sha256(PAGE_SCRIPT)}'`,
  `style-src 'sha256-${sha256(PAGE_STYLE)}'`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers the page is served with, by a node's listener and by `clawctl fleet serve`. */
export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': STATUS_PAGE_CSP,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
