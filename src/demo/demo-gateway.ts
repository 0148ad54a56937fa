#!/usr/bin/env node
/**
 * DEMO ONLY: a small stand-in for the OpenClaw gateway, so clawsupd can be tried on a machine without OpenClaw.
 * It imitates the gateway's HTTP health surface (/healthz, /startupz, /readyz) and its SIGTERM drain, nothing more.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'startup-ms': { type: 'string', default: '1500' },
  },
});

// Not OpenClaw's 18789 (nor its derived ports up to 18899): the demo must never collide with a node's real gateway.
const DEMO_PORT = 28789;
const port = Number(values.port ?? DEMO_PORT);
const startupMs = Number(values['startup-ms']);
const startedAtMs = Date.now();
let phase: 'starting' | 'started' | 'draining' = 'starting';

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  const uptimeMs = Date.now() - startedAtMs;
  switch (path) {
    case '/healthz':
    case '/health':
      return sendJson(response, 200, { ok: true, status: 'live' });
    case '/startupz':
    case '/startup':
      return phase === 'started'
        ? sendJson(response, 200, { ok: true, status: 'started', version: 'clawsup-demo', uptimeMs })
        : sendJson(response, 503, { ok: false, status: phase, uptimeMs });
    case '/readyz':
    case '/ready': {
      const failing = phase === 'draining' ? ['gateway-draining'] : [];
      const ready = phase === 'started' && failing.length === 0;
      return sendJson(response, ready ? 200 : 503, { ready, failing, uptimeMs, eventLoop: { degraded: false, delayP99Ms: 1 } });
    }
    default:
      return sendJson(response, 404, { ok: false, error: 'not found' });
  }
}

const server = createServer(answer);
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') {
    // Said so that clawsupd's diagnosis points at the demo, never at the program that holds the port (a real gateway?).
    console.error(`clawsup DEMO gateway: port ${port} on ${values.host} is taken by another program; move the demo, not that program: give the demo another --port (and health.url) in packaging/config/demo.json5`);
  } else {
    console.error(`demo gateway: ${error.message}`);
  }
  process.exit(1);
});
server.listen(port, values.host, () => {
  console.log(`clawsup DEMO gateway (not OpenClaw) listening on http://${values.host}:${port} (pid ${process.pid})`);
  setTimeout(() => {
    if (phase !== 'starting') return;
    phase = 'started';
    console.log('demo gateway ready');
  }, startupMs);
});

function drain(signal: string): void {
  if (phase === 'draining') return;
  phase = 'draining';
  console.log(`demo gateway draining on ${signal}`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGINT', () => drain('SIGINT'));
