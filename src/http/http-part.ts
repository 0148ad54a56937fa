import type { DaemonContext, DaemonPart, Detach } from '../daemon/daemon-part.js';
import { describeError } from '../describe-error.js';
import { locateConfigKey } from './config-location.js';
import type { LoadedRoutes } from './http-route.js';
import { HTTP_ROUTE_SOURCES } from './http-routes.js';
import { readHttpSecrets } from './http-secrets.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';

/** The one opt-in HTTP listener (http.listen): off, it loads nothing; on, it serves every enabled feature's routes. */
export const httpPart: DaemonPart = {
  name: 'http',
  attach: (context) => attachHttp(context),
};

async function attachHttp(context: DaemonContext): Promise<Detach> {
  const { config, configPath } = context;
  const http = config.http;
  if (http.listen === undefined) return { detach: () => undefined };
  const parsed = parseListenAddress(http.listen);
  // The schema has refused a bad address already; this keeps the type honest.
  if (!parsed.ok) throw new Error(`http.listen passed the schema but does not parse: ${parsed.error}`);
  const log = context.log.child({ component: 'http' });
  const secrets = readHttpSecrets(http, configPath);
  const loaded: LoadedRoutes[] = [];
  const detachRoutes = (): void => {
    for (const routes of loaded.reverse()) routes.detach();
  };
  try {
    for (const source of HTTP_ROUTE_SOURCES) if (source.isEnabled(config)) loaded.push(await source.load(context));
    const { startHttpListener } = await import('./http-server.js');
    const listener = await startHttpListener({
      address: parsed.address,
      secrets,
      routes: loaded.flatMap((routes) => routes.routes),
      log,
      listenSetAt: locateConfigKey(configPath, ['http', 'listen']),
      tlsSetAt: locateConfigKey(configPath, ['http', 'tls']),
      sessionTtlMs: http.sessionTtlMs,
    });
    context.onConfigReloaded((next) => {
      if (next.http.listen !== http.listen || JSON.stringify(next.http.tls) !== JSON.stringify(http.tls)) {
        log.warn({ listen: next.http.listen ?? null }, 'http.listen or http.tls changed: it takes effect when clawsupd restarts');
      }
      // The socket stays where it was bound until a restart: a LAN bind keeps its token even if the new config drops it.
      if (next.http.tokenFile === undefined && !isLoopbackHost(parsed.address.host)) {
        log.error({ listen: http.listen }, 'http.tokenFile removed while the listener is bound to a non-loopback address: keeping the token until clawsupd restarts');
        return;
      }
      try {
        listener.setToken(readHttpSecrets({ ...next.http, listen: http.listen, tls: undefined }, configPath).token);
      } catch (error) {
        log.error({ err: describeError(error) }, 'http.tokenFile cannot be used after the reload: keeping the token read before');
      }
    });
    return {
      async detach() {
        await listener.close();
        detachRoutes();
      },
    };
  } catch (error) {
    detachRoutes();
    throw error;
  }
}
