import { z } from 'zod';
import type { NodeView } from './fleet-view-model.js';

// Loose: a node of another clawsup version may add fields; only what the fleet view reads is checked.
const text = z.string().max(100_000);
const exitSchema = z.looseObject({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  class: text,
  reason: text,
  evidence: z.array(text),
  at: text,
});
const skillSchema = z.looseObject({ state: text, message: text.nullable().optional(), finishedAt: text.nullable().optional() });
const eventSchema = z.looseObject({ seq: z.number().int(), at: text, type: text });

export const nodeViewSchema = z.looseObject({
  node: z.looseObject({ name: text, version: text }),
  status: z.looseObject({
    mode: text,
    since: text,
    reasons: z.array(text),
    gateway: z.looseObject({ pid: z.number().int().nullable(), startedAt: text.nullable(), restarts: z.number().int(), lastExit: exitSchema.nullable() }),
    diagnosis: z.looseObject({ reason: text, trigger: text.optional(), hint: text, evidence: z.array(text) }).nullable().optional(),
    daemon: z.looseObject({ version: text.optional(), host: text.optional() }).optional(),
    probes: z.looseObject({ slack: z.looseObject({ state: text, detail: text.nullable().optional() }).optional() }).optional(),
    skills: z.record(text, skillSchema).optional(),
    cron: z.looseObject({ role: text, term: z.number().int().nullable().optional() }).nullable().optional(),
  }),
  events: z.array(eventSchema).max(100_000),
  skills: z.record(text, skillSchema).nullable().optional(),
  audit: z.unknown().optional(),
});

const eventsAnswerSchema = z.looseObject({ events: z.array(eventSchema).max(100_000), omitted: z.number().int().nonnegative().optional() });

/** `/api/v1/events`: the events, and how many older ones the node left out to keep within the limit. */
export function checkEventsShape(value: unknown): { ok: true; events: Array<{ seq: number; at: string; type: string }>; omitted: number } | { ok: false; error: string } {
  const result = eventsAnswerSchema.safeParse(value);
  if (!result.success) return { ok: false, error: `answered JSON that is not a list of events (${result.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message.replace(/^Invalid input: /, '')}`).join('; ')})` };
  return { ok: true, events: result.data.events, omitted: result.data.omitted ?? 0 };
}

export type ShapeCheck = { ok: true; view: NodeView } | { ok: false; error: string };

/** A node's answer as a view, or what about it is not one (the first three problems, by path). */
export function checkViewShape(value: unknown): ShapeCheck {
  const result = nodeViewSchema.safeParse(value);
  if (result.success) return { ok: true, view: result.data as unknown as NodeView };
  const problems = result.error.issues.slice(0, 3).map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message.replace(/^Invalid input: /, '')}`);
  return { ok: false, error: `answered JSON that is not a node view (${problems.join('; ')})` };
}
