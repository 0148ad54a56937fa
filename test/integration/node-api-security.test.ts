import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';
import { writeToken } from '../helpers/http-token.js';

const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const TOKEN = 'nodeapi-Secret-4f1c9a7e';
const isRoot = process.getuid?.() === 0;
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

function tempDir(): string {
  const temp = makeTempDir();
  temps.push(temp);
  return temp.path;
}

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function startWithToken(http: Record<string, unknown> = {}): Promise<{ daemon: Daemon; port: number; tokenFile: string }> {
  const port = await freePort();
  const tokenFile = writeToken(tempDir(), TOKEN);
  const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tokenFile, ...http } } });
  await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
  await waitFor('the listener', async () => (await get(port, '/api/v1/status')).status === 401);
  return { daemon, port, tokenFile };
}

/** clawsupd's exit code, or a failure at the deadline: a daemon that should refuse to start and runs instead. */
async function exitCodeOf(daemon: Daemon, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`clawsupd still runs after ${timeoutMs} ms: it should have refused to start`)), timeoutMs);
  });
  try {
    return (await Promise.race([daemon.exited, deadline])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** `name=value` of a Set-Cookie header, for the Cookie header of the next request. */
const cookieOf = (setCookie: string): string => setCookie.split(';')[0] as string;

/** Every line clawsupd wrote: no token, right or wrong, may be in any. */
function expectNoSecretInOutput(daemon: Daemon, secrets: readonly string[]): void {
  const output = `${JSON.stringify(daemon.logs())}\n${daemon.stderr()}`;
  for (const secret of secrets) expect(output, 'a token in the log').not.toContain(secret);
}

describe('the node API behind http.tokenFile', () => {
  it('needs the token on every path, loopback too: /, the API and /metrics', async () => {
    const { daemon, port } = await startWithToken();
    for (const path of ['/', '/api/v1/status', '/api/v1/events', '/api/v1/skills', '/api/v1/audit', '/api/v1/view', '/metrics']) {
      const none = await get(port, path);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="clawsup"');
      expect(none.text).not.toContain('healthy');
      expect((await get(port, path, { authorization: `Bearer ${TOKEN}` })).status, path).toBe(path === '/api/v1/audit' ? 404 : 200);
    }
    await daemon.stop();
  });

  it('signs a browser in the Jupyter way: ?token=T sets an opaque session cookie and redirects without the token', async () => {
    const { daemon, port } = await startWithToken();
    const signIn = await get(port, '/?token=' + TOKEN + '&x=1');
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/?x=1');
    const setCookie = signIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^clawsup_session_${port}=[A-Za-z0-9_-]{43}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict$`));
    expect(setCookie).not.toContain(TOKEN);
    expect(signIn.headers.get('cache-control')).toBe('no-store');
    const cookie = cookieOf(setCookie);

    const page = await get(port, '/?x=1', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.text).toContain('data-view-path="/api/v1/view"');
    expect(page.text).not.toContain(TOKEN);
    const view = await get(port, '/api/v1/view', { cookie });
    expect(view.status).toBe(200);
    expect(JSON.parse(view.text).status.mode).toBe('healthy');
    expect(view.text).not.toContain(TOKEN);
    expect((await get(port, '/metrics', { cookie })).status).toBe(200);

    // A second sign-in is another session: each browser its own id.
    const again = cookieOf((await get(port, `/api/v1/view?token=${TOKEN}`)).headers.get('set-cookie') ?? '');
    expect(again).not.toBe(cookie);
    expect((await get(port, '/api/v1/view', { cookie: again })).status).toBe(200);

    const wrong = await get(port, '/?token=not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const forged = await get(port, '/api/v1/view', { cookie: `clawsup_session_${port}=${TOKEN}` });
    expect(forged.status).toBe(401);
    expect((await get(port, '/api/v1/view', { cookie: `clawsup_session_${port + 1}=${cookie.split('=')[1]}` })).status).toBe(401);
    // A sign-in on a path not served is no cookie.
    const unknown = await get(port, `/nope?token=${TOKEN}`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('set-cookie')).toBeNull();
    expectNoSecretInOutput(daemon, [TOKEN, 'not-the-token']);
    await daemon.stop();
  });

  it('expires a session after http.sessionTtlMs, and a new token signs every browser out', async () => {
    const { daemon, port, tokenFile } = await startWithToken({ sessionTtlMs: 1_500 });
    const signIn = await get(port, `/?token=${TOKEN}`);
    expect(signIn.headers.get('set-cookie')).toContain('Max-Age=1;');
    const cookie = cookieOf(signIn.headers.get('set-cookie') ?? '');
    expect((await get(port, '/api/v1/status', { cookie })).status).toBe(200);
    await waitFor('the session expired', async () => (await get(port, '/api/v1/status', { cookie })).status === 401, 10_000, 100);

    const fresh = cookieOf((await get(port, `/?token=${TOKEN}`)).headers.get('set-cookie') ?? '');
    expect((await get(port, '/api/v1/status', { cookie: fresh })).status).toBe(200);
    writeFileSync(tokenFile, 'the-next-token\n');
    daemon.child.kill('SIGHUP');
    await waitFor('the new token accepted', async () => (await get(port, '/api/v1/status', { authorization: 'Bearer the-next-token' })).status === 200);
    expect((await get(port, '/api/v1/status', { cookie: fresh })).status).toBe(401);
    await daemon.stop();
  });

  it('slows down repeated wrong tokens from one address: past five, a try waits (429, Retry-After) unchecked; a signed-in browser still passes', async () => {
    const { daemon, port } = await startWithToken();
    const cookie = cookieOf((await get(port, `/?token=${TOKEN}`)).headers.get('set-cookie') ?? '');
    for (let i = 0; i < 5; i += 1) expect((await get(port, '/api/v1/status', { authorization: `Bearer guess-${i}` })).status).toBe(401);
    const throttled = await get(port, '/api/v1/status', { authorization: `Bearer ${TOKEN}` });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(throttled.text).toContain('too many wrong tokens from this address');
    expect((await get(port, `/?token=${TOKEN}`)).status).toBe(429);
    expect((await get(port, '/api/v1/status', { cookie })).status).toBe(200);
    // The wait passes: the right token works again and clears the count.
    await waitFor('the right token accepted again', async () => (await get(port, '/api/v1/status', { authorization: `Bearer ${TOKEN}` })).status === 200, 10_000, 100);
    expect((await get(port, '/api/v1/status', { authorization: 'Bearer guess-again' })).status).toBe(401);
    const warnedOf = () => daemon.logs().filter((record) => record.msg === 'http request with a wrong token refused');
    // Five guesses and one more after the wait; the throttled tries are not warned of.
    const warned = await waitFor('the sixth warning', () => warnedOf().length >= 6 && warnedOf());
    expect(warned.length).toBe(6);
    expect(warned[0]).toMatchObject({ level: 'warn', remote: 'loopback', path: '/api/v1/status', statusCode: 401 });
    expectNoSecretInOutput(daemon, [TOKEN, 'guess-0', 'guess-again']);
    await daemon.stop();
  });

  it('checks only five of twenty wrong tokens sent at once: the others are 429 unchecked', async () => {
    const { daemon, port } = await startWithToken();
    const startedAtMs = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => get(port, '/api/v1/status', { authorization: `Bearer parallel-guess-${i}` })));
    const elapsedMs = Date.now() - startedAtMs;
    const counts = answers.reduce<Record<number, number>>((all, { status }) => ({ ...all, [status]: (all[status] ?? 0) + 1 }), {});
    // One more is checked only if the batch outlasted a wait (1 s, then 2 s more) on a loaded machine.
    const checked = elapsedMs < 1_000 ? 5 : elapsedMs < 3_000 ? 6 : 7;
    expect(counts[401] ?? 0, `20 tries in ${elapsedMs} ms`).toBeLessThanOrEqual(checked);
    expect(counts[401] ?? 0).toBeGreaterThanOrEqual(5);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(20);
    await daemon.stop();
  });

  it.each([
    ['readable by its group', 0o640, "readable by its group (mode 0640): chmod 600 it, so that only clawsupd's user reads it"],
    ['readable by every user', 0o604, 'readable by every user (mode 0604): chmod 600 it'],
  ])('refuses at start (exit 78) a token file %s, saying where it is set', async (_name, mode, why) => {
    const tokenFile = writeToken(tempDir(), TOKEN, mode);
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${await freePort()}`, tokenFile } } });
    expect(await exitCodeOf(daemon)).toBe(78);
    expect(daemon.stderr()).toMatch(/^clawsupd: .*\.json5:\d+:\d+: http\.tokenFile: /);
    expect(daemon.stderr()).toContain(`${tokenFile}: ${why}`);
    expect(daemon.stderr()).not.toContain(TOKEN);
  });

  it.skipIf(!isRoot)('refuses at start (exit 78) a token file owned by another user, mode 0600 or not (as root: uid 65534 owns it)', async () => {
    const tokenFile = writeToken(tempDir(), TOKEN);
    chownSync(tokenFile, 65534, 65534);
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${await freePort()}`, tokenFile } } });
    expect(await exitCodeOf(daemon)).toBe(78);
    expect(daemon.stderr()).toMatch(/\.json5:\d+:\d+: http\.tokenFile: /);
    expect(daemon.stderr()).toContain(`${tokenFile}: owned by uid 65534, not by clawsupd's user (uid 0) or root: chown it to clawsupd's user`);
  });

  it('refuses at start (exit 78) a token file that is a folder', async () => {
    const folder = join(tempDir(), 'token-folder');
    mkdirSync(folder, { mode: 0o700 });
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${await freePort()}`, tokenFile: folder } } });
    expect(await exitCodeOf(daemon)).toBe(78);
    expect(daemon.stderr()).toMatch(new RegExp(`\\.json5:\\d+:\\d+: http\\.tokenFile: ${folder}: not a regular file`));
  });
});

/** A self-signed certificate for 127.0.0.1 made now with openssl. */
function makeCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  chmodSync(keyFile, 0o600);
  return { certFile, keyFile };
}

function httpsGet(port: number, path: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest({ host: '127.0.0.1', port, path, ca, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => void (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('the node API over TLS', () => {
  it('serves the API over HTTPS with http.tls, and the session cookie is Secure', async () => {
    const dir = tempDir();
    const tls = makeCertificate(dir);
    const ca = readFileSync(tls.certFile);
    const port = await freePort();
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tokenFile: writeToken(dir, TOKEN), tls } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    const view = await waitFor('an HTTPS answer', async () => {
      const answer = await httpsGet(port, '/api/v1/view', ca, { authorization: `Bearer ${TOKEN}` });
      return answer.status === 200 ? answer : undefined;
    });
    expect(JSON.parse(view.text).status.mode).toBe('healthy');
    const signIn = await httpsGet(port, `/?token=${TOKEN}`, ca);
    expect(signIn.status).toBe(303);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    expect((await httpsGet(port, '/api/v1/status', ca, { cookie: cookieOf(setCookie) })).status).toBe(200);
    // A client that does not trust the certificate gets nothing.
    await expect(httpsGet(port, '/api/v1/status', readFileSync(join(FIXTURES, 'tls', 'cert.pem')))).rejects.toThrow(/self[- ]signed|certificate/i);
    await daemon.stop();
  });

  it.each([
    ['a missing certificate file', (dir: string) => ({ certFile: join(dir, 'nope.pem'), keyFile: makeCertificate(dir).keyFile }), /\.json5:\d+:\d+: http\.tls\.certFile: .*nope\.pem: cannot read it: no such file/],
    ['a certificate file that is not a certificate', (dir: string) => {
      const { keyFile } = makeCertificate(dir);
      writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
      return { certFile: join(dir, 'garbage.pem'), keyFile };
    }, /\.json5:\d+:\d+: http\.tls: the certificate and key cannot be used together: /],
  ])('refuses at start (exit 78) %s, saying where it is set', async (_name, files, message) => {
    const dir = tempDir();
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${await freePort()}`, tokenFile: writeToken(dir, TOKEN), tls: files(dir) } } });
    expect(await exitCodeOf(daemon)).toBe(78);
    expect(daemon.stderr()).toMatch(message);
    expect(daemon.stderr()).not.toContain('    at ');
  });
});
