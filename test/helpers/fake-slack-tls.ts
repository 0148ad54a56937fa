/**
 * A test CA and a certificate for Slack's host names, made with openssl at test time, and the one CA file the
 * gateway's Node reads (`NODE_EXTRA_CA_CERTS` takes a single file: the machine's bundle, then the test CA).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeSlackTls {
  cert: string;
  key: string;
  /** The machine's CA bundle with the test CA appended: the gateway's NODE_EXTRA_CA_CERTS. */
  caBundle: string;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const SLACK_CERT_NAMES = ['slack.com', '*.slack.com'];

export function makeFakeSlackTls(dir: string): FakeSlackTls {
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('ca.key'), '-out', path('ca.crt'), '-days', '2', '-subj', '/CN=clawsup fake-slack test CA');
  writeFileSync(path('leaf.ext'), `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${SLACK_CERT_NAMES.map((name) => `DNS:${name}`).join(',')}\n`);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('leaf.key'), '-out', path('leaf.csr'), '-subj', '/CN=slack.com');
  openssl('x509', '-req', '-in', path('leaf.csr'), '-CA', path('ca.crt'), '-CAkey', path('ca.key'), '-CAcreateserial', '-out', path('leaf.crt'), '-days', '2', '-extfile', path('leaf.ext'));
  const system = existsSync(SYSTEM_BUNDLE) ? readFileSync(SYSTEM_BUNDLE, 'utf8') : '';
  writeFileSync(path('ca-bundle.crt'), `${system.trimEnd()}\n${readFileSync(path('ca.crt'), 'utf8')}`);
  return { cert: path('leaf.crt'), key: path('leaf.key'), caBundle: path('ca-bundle.crt') };
}
