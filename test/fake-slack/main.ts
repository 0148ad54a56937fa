/**
 * The fake Slack as its own process (run inside the test's network namespace):
 *   node --import tsx test/fake-slack/main.ts <settings.json>
 * settings.json: { control, cert, key, host, port, settings }. The control socket answers
 * GET /state, POST /configure (a settings patch) and POST /fault ({ fault, socketId? }).
 */
import { createServer } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { startFakeSlack, type FakeSlackFault, type FakeSlackSettings } from './fake-slack.js';

interface LaunchFile {
  control: string;
  cert: string;
  key: string;
  host: string;
  port: number;
  settings: FakeSlackSettings;
}

const launchPath = process.argv[2];
if (launchPath === undefined) {
  process.stderr.write('usage: main.ts <launch.json>\n');
  process.exit(2);
}
const launch = JSON.parse(readFileSync(launchPath, 'utf8')) as LaunchFile;
const fake = await startFakeSlack({ cert: readFileSync(launch.cert, 'utf8'), key: readFileSync(launch.key, 'utf8'), host: launch.host, port: launch.port, settings: launch.settings });

const control = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const reply = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    try {
      if (request.method === 'GET' && request.url === '/state') return reply(200, { settings: fake.settings, records: fake.records, sockets: fake.openSockets(), nowMs: Date.now() });
      const parsed = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      if (request.method === 'POST' && request.url === '/configure') {
        fake.configure(parsed as Partial<FakeSlackSettings>);
        return reply(200, { settings: fake.settings });
      }
      if (request.method === 'POST' && request.url === '/second-connection') {
        void fake.openSecondConnection().then(
          () => reply(200, { atMs: Date.now() }),
          (error: unknown) => reply(500, { error: String(error) }),
        );
        return;
      }
      if (request.method === 'POST' && request.url === '/fault') {
        const hit = fake.fault(parsed['fault'] as FakeSlackFault, typeof parsed['socketId'] === 'number' ? parsed['socketId'] : undefined);
        return reply(200, { hit, atMs: Date.now() });
      }
      return reply(404, { error: `no ${request.method} ${request.url}` });
    } catch (error) {
      return reply(400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
});
rmSync(launch.control, { force: true });
control.listen(launch.control, () => process.stdout.write(`fake-slack listening on ${launch.host}:${fake.port}, control ${launch.control}\n`));

const shutdown = (): void => {
  control.close();
  void fake.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
