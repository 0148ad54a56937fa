import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderStatusPage, STATUS_PAGE_CSP, STATUS_PAGE_HEADERS } from '../../src/fleet/status-page.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');
const inline = (page: string, tag: string): string[] => [...page.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] as string);

describe('renderStatusPage', () => {
  const page = renderStatusPage({ title: 'Fleet <b>"x"</b>', viewPath: '/api/fleet?a=1&b="2"', kind: 'fleet' });

  it('escapes the title and the view path it is given', () => {
    expect(page).toContain('<title>Fleet &#60;b&#62;&#34;x&#34;&#60;/b&#62;</title>');
    expect(page).toContain('data-view-path="/api/fleet?a=1&#38;b=&#34;2&#34;"');
    expect(page).not.toContain('<b>');
  });

  it('fetches nothing from outside: no URL, no external script, style or font', () => {
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).not.toMatch(/<(script|link|img|iframe)[^>]*(src|href)=/);
    expect(page).not.toMatch(/@import|url\(/);
  });

  it('holds one script and one style, each allowed by its hash in the policy and by nothing else', () => {
    const [script] = inline(page, 'script');
    const [style] = inline(page, 'style');
    expect(inline(page, 'script')).toHaveLength(1);
    expect(STATUS_PAGE_CSP).toContain(`script-src 'sha256-${sha256(script as string)}'`);
    expect(STATUS_PAGE_CSP).toContain(`style-src 'sha256-${sha256(style as string)}'`);
    expect(STATUS_PAGE_CSP).toContain("default-src 'none'");
    expect(STATUS_PAGE_CSP).not.toContain('unsafe');
    expect(STATUS_PAGE_HEADERS['content-security-policy']).toBe(STATUS_PAGE_CSP);
  });

  it('the script is the same text whatever the options, so one hash serves every page', () => {
    const other = renderStatusPage({ title: 'node', viewPath: '/api/v1/view', kind: 'node' });
    expect(inline(other, 'script')).toEqual(inline(page, 'script'));
    expect(other).toContain('data-kind="node"');
  });

  it('the script parses, and writes no HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    const [script] = inline(page, 'script');
    expect(() => new Function(script as string)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it.each([
    ['<script>', '&#60;script&#62;'],
    ['"\'&', '&#34;&#39;&#38;'],
    ['plain', 'plain'],
  ])('escapeHtml(%s)', (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });
});
