import type { ApplyOutcome } from './apply-machine.js';

/**
 * status.json's `gatewayConfig` section (the lead declares it in src/status/status-schema.ts; this is its shape):
 * z.object({
 *   liveConfigPath: z.string().nullable(),
 *   isApplying: z.boolean(),
 *   lastApply: z.object({ id: z.string(), at: z.string(), kind: z.enum(['apply', 'rollback']),
 *     outcome: z.enum(['applied', 'refused', 'rolled-back', 'rollback-failed', 'dry-run']), reason: z.string().nullable() }).nullable(),
 *   drift: z.object({ isDrifted: z.boolean(), checkedAt: z.string().nullable(), appliedHash: z.string().nullable(),
 *     liveHash: z.string().nullable(), detail: z.string().nullable(),
 *     writer: z.enum(['gateway', 'outside']).nullable() }),
 * })
 */
export interface GatewayConfigSection {
  liveConfigPath: string | null;
  isApplying: boolean;
  lastApply: { id: string; at: string; kind: 'apply' | 'rollback'; outcome: ApplyOutcome; reason: string | null } | null;
  /** `writer`: who changed the live file, as the gateway's traces tell (`gateway`: its own write, `.bak` beside it); null without drift. */
  drift: { isDrifted: boolean; checkedAt: string | null; appliedHash: string | null; liveHash: string | null; detail: string | null; writer: 'gateway' | 'outside' | null };
}

export const NO_DRIFT: GatewayConfigSection['drift'] = { isDrifted: false, checkedAt: null, appliedHash: null, liveHash: null, detail: null, writer: null };
