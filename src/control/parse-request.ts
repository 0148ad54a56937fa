import { z } from 'zod';
import { skillNamePattern } from '../config/schema.js';
import { skillRecordSchema } from '../skills/skill-record.js';
import { buildError, isControlMethod, MAX_CANDIDATE_BYTES, PROTOCOL_VERSION, SUBSCRIBE_TOPICS, type ControlMethod, type ControlReply, type RequestId } from './protocol.js';

const noParams = z.strictObject({}).optional();
// Who ran clawctl, as clawctl says: Node cannot read a Unix socket peer's credentials.
const requester = z.strictObject({ uid: z.number().int().nullable(), user: z.string().max(256).nullable() });

/** Each method's params; defaults live here, as everywhere else, in the schema. */
export const PARAM_SCHEMAS = {
  status: noParams,
  restart: noParams,
  resume: noParams,
  stop: noParams,
  start: noParams,
  diagnose: noParams,
  'config-check': noParams,
  'cron-step-down': noParams,
  // The candidate's text travels in the request (the daemon's user may not read the operator's file), on this method's own 3 MiB line.
  'gateway-config-apply': z.strictObject({
    content: z.string().superRefine((content, context) => {
      const bytes = utf8Bytes(content);
      if (bytes > MAX_CANDIDATE_BYTES) context.addIssue({ code: 'custom', message: `the candidate is ${bytes} bytes, over the gate's ${MAX_CANDIDATE_BYTES} (1 MiB)` });
    }),
    source: z.string().min(1).max(4096),
    isDryRun: z.boolean().default(false),
    isVerifying: z.boolean().default(true),
    isForced: z.boolean().default(false),
    timeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    who: requester,
  }),
  'gateway-config-rollback': z.strictObject({
    id: z.string().regex(/^\d{8}T\d{6}Z-\d{3}$/, 'an apply id as clawctl gateway-config history prints it (20261201T065500Z-001)').optional(),
    isVerifying: z.boolean().default(true),
    timeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
    who: requester.default({ uid: null, user: null }),
  }).prefault({}),
  'gateway-config-history': z.strictObject({ n: z.number().int().min(1).max(500).default(50) }).prefault({}),
  'gateway-config-diff': z.strictObject({ a: z.string().max(64).optional(), b: z.string().max(64).optional() }).prefault({}),
  'audit-run': z.strictObject({ saveBaseline: z.boolean().default(false) }).prefault({}),
  logs: z.strictObject({ n: z.number().int().min(1).max(10_000).default(50) }).prefault({}),
  'skill-report': z.strictObject({ record: skillRecordSchema }),
  'skill-forget': z.strictObject({ name: z.string().regex(skillNamePattern, 'a skill name is 1-64 characters of a-z 0-9 . _ - starting with a letter or digit') }),
  // `n`: how many of the latest gateway lines the first reply carries for the logs topic.
  subscribe: z.strictObject({
    topics: z.array(z.enum(SUBSCRIBE_TOPICS)).min(1).max(8).transform((topics) => [...new Set(topics)]),
    n: z.number().int().min(0).max(10_000).default(50),
  }),
} satisfies Record<ControlMethod, z.ZodType>;

export type ParamsOf<M extends ControlMethod> = z.output<(typeof PARAM_SCHEMAS)[M]>;

export type ControlRequest = { [M in ControlMethod]: { id: RequestId; method: M; params: ParamsOf<M> } }[ControlMethod];

const MAX_ID_LENGTH = 128;

const encoder = new TextEncoder();
function utf8Bytes(text: string): number {
  return encoder.encode(text).byteLength;
}

/** One request line to a checked request, or the error reply it deserves. Pure. */
export function parseRequestLine(line: string): { ok: true; request: ControlRequest } | { ok: false; reply: ControlReply } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { ok: false, reply: buildError(null, 'malformed-json', `not JSON: ${(error as Error).message}`) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reply: buildError(null, 'bad-request', 'a request is a JSON object: {"v":1,"id":..,"method":..,"params":..}') };
  }
  const fields = raw as Record<string, unknown>;
  const id = readId(fields.id);
  if (id === undefined) {
    return { ok: false, reply: buildError(null, 'bad-request', `id must be a string of at most ${MAX_ID_LENGTH} characters, a number or null`) };
  }
  if (fields.v !== PROTOCOL_VERSION) {
    return { ok: false, reply: buildError(id, 'unsupported-version', `v must be ${PROTOCOL_VERSION}, found ${JSON.stringify(fields.v) ?? 'nothing'}`) };
  }
  const unknownKeys = Object.keys(fields).filter((key) => !['v', 'id', 'method', 'params'].includes(key));
  if (unknownKeys.length > 0) return { ok: false, reply: buildError(id, 'bad-request', `unknown key ${JSON.stringify(unknownKeys[0])}`) };
  if (!isControlMethod(fields.method)) {
    const found = typeof fields.method === 'string' ? JSON.stringify(fields.method.slice(0, 64)) : 'no method';
    return { ok: false, reply: buildError(id, 'unknown-method', `unknown method ${found}`) };
  }
  const method = fields.method;
  const parsed = PARAM_SCHEMAS[method].safeParse(fields.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['params', ...(issue?.path ?? []).map(String)].join('.');
    return { ok: false, reply: buildError(id, 'bad-params', `${method}: ${where}: ${issue?.message ?? 'invalid'}`) };
  }
  return { ok: true, request: { id, method, params: parsed.data } as ControlRequest };
}

function readId(id: unknown): RequestId | undefined {
  if (id === undefined || id === null) return null;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id.length <= MAX_ID_LENGTH) return id;
  return undefined;
}
