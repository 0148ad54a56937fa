import { describe, expect, it } from 'vitest';
import { formatFinding, lintCandidate } from '../../src/gateway-config/lint-candidate.js';

const base = { gateway: { mode: 'local' } };

describe("clawsup's lint of a gateway config candidate", () => {
  it.each<[string, unknown, unknown, Array<[string, string]>]>([
    ['a plain local config is clean', base, {}, []],
    ['gateway.mode missing warns', {}, {}, [['warning', 'gateway.mode']]],
    ['a non-loopback bind with auth none is an error', { gateway: { mode: 'local', bind: 'lan', auth: { mode: 'none' } } }, {}, [['error', 'gateway.auth.mode']]],
    ['loopback with auth none is fine', { gateway: { mode: 'local', bind: 'loopback', auth: { mode: 'none' } } }, {}, []],
    ['lan with a token is fine', { gateway: { mode: 'local', bind: 'lan', auth: { mode: 'token' } } }, {}, []],
    ['default model without fallbacks warns', { ...base, agents: { defaults: { model: { primary: 'a/b' } } } }, {}, [['warning', 'agents.defaults.model.fallbacks']]],
    ['default model with fallbacks is fine', { ...base, agents: { defaults: { model: { primary: 'a/b', fallbacks: ['c/d'] } } } }, {}, []],
    ['an agent model without fallbacks and no default ones warns', { ...base, agents: { list: [{ id: 'x', model: { primary: 'a/b' } }] } }, {}, [['warning', 'agents.list[0].model.fallbacks']]],
    ['an agent model covered by default fallbacks is fine', { ...base, agents: { defaults: { model: { primary: 'a/b', fallbacks: ['c/d'] } }, list: [{ model: { primary: 'a/b' } }] } }, {}, []],
    ['one Slack app token on two accounts is an error', { ...base, channels: { slack: { appToken: 'xapp-1', accounts: { ops: { appToken: 'xapp-1' } } } } }, {}, [['error', 'channels.slack.accounts.ops.appToken']]],
    ['two Slack apps are fine', { ...base, channels: { slack: { accounts: { a: { appToken: 'xapp-1' }, b: { appToken: 'xapp-2' } } } } }, {}, []],
    ['a plaintext secret where the live config had a reference is an error', { ...base, gateway: { mode: 'local', auth: { token: 'plain' } } }, { gateway: { auth: { token: { source: 'env', id: 'TOKEN' } } } }, [['error', 'gateway.auth.token']]],
    ['keeping the reference is fine', { ...base, gateway: { mode: 'local', auth: { token: { source: 'env', id: 'TOKEN' } } } }, { gateway: { auth: { token: { source: 'env', id: 'TOKEN' } } } }, []],
  ])('%s', (_name, candidate, live, expected) => {
    expect(lintCandidate(candidate, live).map((finding) => [finding.severity, finding.path])).toEqual(expected);
  });

  it('says what is wrong, where, and the fix, and never the secret', () => {
    const [finding] = lintCandidate({ gateway: { mode: 'local', auth: { token: 'hunter2-secret' } } }, { gateway: { auth: { token: { source: 'file', path: '/x' } } } });
    expect(finding && formatFinding(finding)).toBe('gateway.auth.token: a plaintext secret where the live config uses a secret reference (fix: keep the secret reference ({ source: "env" | "file" | "exec", ... }) the live config has)');
  });
});
