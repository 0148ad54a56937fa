export interface ProbeUrls {
  healthUrl: string;
  startupUrl: string;
  readyUrl: string;
  /** The gateway's origin, where its WebSocket RPC listens too. */
  origin: string;
  /** /readyz is asked of the same origin as health.url (the default). */
  isReadyOnHealthOrigin: boolean;
}

/** /startupz and /readyz default to the origin of the liveness URL, so one port setting moves all three. */
export function resolveProbeUrls(health: { url: string; startupUrl?: string | undefined; readyUrl?: string | undefined }): ProbeUrls {
  const base = new URL(health.url);
  return {
    healthUrl: base.href,
    startupUrl: health.startupUrl ?? new URL('/startupz', base.origin).href,
    readyUrl: health.readyUrl ?? new URL('/readyz', base.origin).href,
    origin: base.origin,
    isReadyOnHealthOrigin: health.readyUrl === undefined || new URL(health.readyUrl).origin === base.origin,
  };
}
