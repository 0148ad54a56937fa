import { describe, expect, it } from 'vitest';
import { CLEAR_SCREEN, paintStatus, readTerminalFacts, statusPaint } from '../../src/cli/colour.js';
import { readUsageOptions, renderBashCompletion, renderZshCompletion } from '../../src/cli/completion-script.js';
import { describeWhereLooked, type ControlTarget } from '../../src/cli/control-target.js';
import { renderStatus } from '../../src/cli/render-status.js';

const ESC = '\u001b';
const NOW = Date.parse('2026-11-21T10:00:00.000Z');

describe('readTerminalFacts: colour only on a terminal, and never with NO_COLOR or TERM=dumb', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
    [false, {}, false],
    [false, { FORCE_COLOR: '1' }, false],
  ])('isTTY %s, env %j -> colour %s', (isTTY, env, hasColour) => {
    expect(readTerminalFacts(isTTY, env)).toEqual({ isTTY, hasColour });
  });
});

describe('paintStatus', () => {
  const view = renderStatus(
    {
      mode: 'degraded',
      since: '2026-11-21T09:59:00.000Z',
      probes: { health: { state: 'live', latencyMs: 3 }, ready: { state: 'not-ready' } },
      skills: { backup: { state: 'stale' }, mode: { state: 'ok' } },
    },
    NOW,
  );

  it.each([
    ['mode: ', 'degraded', 33],
    ['  health     ', 'live', 32],
    ['  ready      ', 'not-ready', 31],
    ['  backup               ', 'stale', 33],
    ['  mode                 ', 'ok', 32],
  ])('colours %j %s with SGR %i', (head, word, sgr) => {
    expect(paintStatus(view)).toContain(`${head}${ESC}[${sgr}m${word}${ESC}[0m`);
  });

  it('changes nothing but the colour, and leaves other words alone', () => {
    const painted = paintStatus(view);
    expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(view);
    expect(painted).toContain(`clawsupd: pid`);
    expect(painted.split('\n').filter((line) => line.includes(ESC))).toHaveLength(5);
    expect(paintStatus('mode: something-new since x\n')).toBe('mode: something-new since x\n');
  });

  it.each([
    [{ isTTY: true, hasColour: true }, true, (text: string) => text.startsWith(CLEAR_SCREEN) && text.includes(`${ESC}[33mdegraded`)],
    [{ isTTY: true, hasColour: false }, true, (text: string) => text === CLEAR_SCREEN + view],
    [{ isTTY: true, hasColour: true }, false, (text: string) => !text.includes(CLEAR_SCREEN) && text.includes(`${ESC}[33m`)],
  ])('statusPaint(%j, redraw %s) fits', (terminal, isRedraw, fits) => {
    const paint = statusPaint(terminal, isRedraw);
    expect(paint !== undefined && fits(paint(view))).toBe(true);
  });

  it.each([[undefined], [{ isTTY: false, hasColour: false }]])('paints nothing for %j', (terminal) => {
    expect(statusPaint(terminal, true)).toBeUndefined();
  });
});

describe('renderStatus for operators', () => {
  it('shows no stale timing or detail for a probe of a gateway that is down', () => {
    const text = renderStatus({ probes: { health: { state: 'down', latencyMs: 7, detail: 'HTTP 200', consecutiveFailures: 0 } } }, NOW);
    expect(text).toMatch(/^ {2}health +down$/m);
    expect(text).not.toContain('HTTP 200');
  });

  it('keeps the timing and detail of a probe that checks', () => {
    expect(renderStatus({ probes: { health: { state: 'failing', latencyMs: 7, detail: 'HTTP 500', consecutiveFailures: 2 } } }, NOW)).toMatch(
      /health +failing +7 ms {2}2 failure\(s\) in a row {2}HTTP 500/,
    );
  });

  it('says the restarts count every cause', () => {
    expect(renderStatus({ gateway: { restarts: 3 } }, NOW)).toContain('3 restart(s) since clawsupd started (any cause, clawctl restart included)');
  });

  it.each([
    ['structural', 'at the first failure (retrying cannot fix it)'],
    ['failure-limit', 'after 5 failures in the window'],
    ['fresh-attempt-failed', 'the fresh attempt after resume failed'],
    ['newer', 'trigger newer'],
  ])('words the diagnose trigger %s', (trigger, words) => {
    const text = renderStatus({ diagnosis: { reason: 'command-not-found', class: 'structural', trigger, failuresInWindow: 5, since: 'then' } }, NOW);
    expect(text).toContain(`diagnosis: command-not-found (structural), ${words}, since then`);
  });

  it('in backoff, says when the next attempt comes and how many failures lead to diagnose, when clawsupd reports them', () => {
    const gateway = { nextAttemptAt: '2026-11-21T10:00:04.000Z', failuresInWindow: 2, failureLimit: 5 };
    expect(renderStatus({ mode: 'backoff', gateway }, NOW)).toContain('backoff: next attempt in 4s (2026-11-21T10:00:04.000Z), 2 of 5 failures in the window that lead to diagnose');
    expect(renderStatus({ mode: 'backoff', gateway: {} }, NOW)).not.toContain('backoff:');
    expect(renderStatus({ mode: 'healthy', gateway }, NOW)).not.toContain('backoff:');
  });
});

describe('completion scripts', () => {
  it.each([
    ['clawctl [--config FILE | --socket PATH] status [--json] [--watch]', 'status', ['--json', '--watch', '--help']],
    ['clawctl [--config FILE | --socket PATH] logs [-n N] [-f|--follow]', 'logs', ['-n', '-f', '--follow', '--help']],
    ['clawctl [--config FILE] skill run NAME [--timeout S] -- CMD ARGS...', 'skill', ['--timeout', '--help']],
  ])('reads the options of %j', (usage, name, options) => {
    expect(readUsageOptions(usage, name)).toEqual(options);
  });

  it('refuses a word that would need quoting in a script', () => {
    const entries = [{ name: 'st$(reboot)', summary: 'x', words: [] }];
    expect(() => renderBashCompletion(entries)).toThrow(/not a completion word/);
    expect(() => renderZshCompletion(entries)).toThrow(/not a completion word/);
  });

  it("quotes a summary's quote for zsh", () => {
    expect(renderZshCompletion([{ name: 'logs', summary: "the gateway's output", words: ['-f'] }])).toContain(`'logs:the gateway'\\''s output'`);
  });
});

describe('describeWhereLooked', () => {
  const target = (isDefault: boolean): ControlTarget => ({ socketPath: '/h/.clawsup/clawsupd.sock', statusDir: '/h/s', source: 'the built-in default', isDefault });

  it('names the socket, its source and --config when clawctl chose, and the demo in a checkout', () => {
    expect(describeWhereLooked(target(true), true)).toBe(
      'clawctl: clawctl looked for clawsupd at /h/.clawsup/clawsupd.sock (the built-in default)\n' +
        'clawctl: a clawsupd started with another config is found with --config FILE (or CLAWSUP_CONFIG=FILE)\n' +
        'clawctl: the demo (npm start): clawctl --config packaging/config/demo.json5 status\n',
    );
    expect(describeWhereLooked(target(true), false)).not.toContain('demo');
  });

  it('adds nothing when the operator named the config or socket', () => {
    expect(describeWhereLooked(target(false), true)).toBe('');
  });
});
