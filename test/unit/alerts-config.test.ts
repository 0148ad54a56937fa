import { describe, expect, it } from 'vitest';
import { resolveTargetUrl } from '../../src/alerts/alerts-part.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { collectKnownSecrets } from '../../src/gateway/known-secrets.js';
import { redactSecrets } from '../../src/gateway/redact.js';

const load = (alerts: string): ReturnType<typeof parseConfigText> => parseConfigText(`{\n  gateway: { command: ["openclaw"] },\n  alerts: ${alerts},\n}`, '/etc/clawsup.json5', '/home/x', 'user');
const errorOf = (alerts: string): string => {
  try {
    load(alerts);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
};
const SECRET_PATH = 'T000/B000/XXXXsecretXXXX';

describe('alerts config', () => {
  it('is off by default, with tunable rules', () => {
    const config = parseConfigText('{ gateway: { command: ["openclaw"] } }', '/etc/clawsup.json5', '/home/x', 'user');
    expect(config.alerts).toMatchObject({ webhooks: [], resolveHoldMs: 60_000, timeoutMs: 10_000, outboxMaxMessages: 1_000, rules: { restartsPerHour: 5, disabled: [] } });
    expect(config.alerts.alertmanager).toBeUndefined();
  });

  it('takes webhooks and Alertmanager', () => {
    const config = load(`{ webhooks: [{ url: "https://hooks.slack.com/services/${SECRET_PATH}", format: "slack" }], alertmanager: { url: "http://127.0.0.1:9093" }, rules: { restartsPerHour: 2, disabled: ["slack-stale"] } }`);
    expect(config.alerts.webhooks).toHaveLength(1);
    expect(config.alerts.alertmanager).toEqual({ url: 'http://127.0.0.1:9093', resendIntervalMs: 60_000 });
    expect(config.alerts.rules).toMatchObject({ restartsPerHour: 2, disabled: ['slack-stale'] });
  });

  it.each([
    ['a URL that is not http(s), located and not shown', `{ webhooks: [{ url: "ftp://hooks.example/${SECRET_PATH}", format: "json" }] }`, /clawsup\.json5:3:\d+: alerts\.webhooks\.0\.url: expected an http:\/\/ or https:\/\/ URL/],
    ['a format other than slack or json', `{ webhooks: [{ url: "https://hooks.example/${SECRET_PATH}", format: "teams" }] }`, /alerts\.webhooks\.0\.format: .*"slack"/],
    ['an Alertmanager URL that is not one', `{ alertmanager: { url: "localhost:9093/${SECRET_PATH}" } }`, /alerts\.alertmanager\.url: expected an http:\/\/ or https:\/\/ URL/],
    ['an unknown rule name', '{ rules: { disabled: ["slack-sad"] } }', /alerts\.rules\.disabled\.0: .*"diagnose"/],
  ])('refuses %s', (_name, alerts, message) => {
    const error = errorOf(alerts);
    expect(error).toMatch(message);
    expect(error).not.toContain(SECRET_PATH);
  });

  it('sends to Alertmanager\'s v2 API under the URL given, and finds a webhook by index and format', () => {
    const config = load(`{ webhooks: [{ url: "http://127.0.0.1:1/hook", format: "json" }], alertmanager: { url: "http://127.0.0.1:9093/am/" } }`).alerts;
    expect(resolveTargetUrl(config, 'alertmanager')?.href).toBe('http://127.0.0.1:9093/am/api/v2/alerts');
    expect(resolveTargetUrl(config, 'webhook:0:json')?.href).toBe('http://127.0.0.1:1/hook');
    expect(resolveTargetUrl(config, 'webhook:0:slack')).toBeNull();
    expect(resolveTargetUrl(config, 'webhook:1:json')).toBeNull();
  });

  it('counts each webhook URL among the secrets redacted from the gateway\'s output', () => {
    const config = load(`{ webhooks: [{ url: "https://hooks.slack.com/services/${SECRET_PATH}", format: "slack" }] }`);
    const known = collectKnownSecrets(config, {}, []);
    expect(redactSecrets(`posting to https://hooks.slack.com/services/${SECRET_PATH} now`, known)).not.toContain(SECRET_PATH);
  });
});
