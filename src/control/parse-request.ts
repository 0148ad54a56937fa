import { aBoolean, anInteger, arrayOf, aString, defaultsWhenMissing, oneOf, optional, refine, strictObject, withDefault, nullable, type Check, type CheckedType } from '../check-value.js';
import { checkSkillRecordShape } from '../skills/skill-record.js';
import { SKILL_NAME_HINT, skillNamePattern } from '../skills/skill-name.js';
import { buildError, isControlMethod, MAX_CANDIDATE_BYTES, PROTOCOL_VERSION, SUBSCRIBE_TOPICS, type ControlMethod, type ControlReply, type RequestId } from './protocol.js';

const noParams = optional(strictObject({}));
// Who ran clawctl, as clawctl says: Node cannot read a Unix socket peer's credentials.
const requester = strictObject({ uid: nullable(anInteger()), user: nullable(aString({ maxLength: 256 })) });
const applyTimeoutMs = optional(anInteger({ min: 1_000, max: 3_600_000 }));

/** Each method's params; defaults live here, beside the checks. */
export const PARAM_CHECKS = {
  status: noParams,
  restart: noParams,
  resume: noParams,
  stop: noParams,
  start: noParams,
  diagnose: noParams,
  'config-check': noParams,
  'cron-step-down': noParams,
  // The candidate's text travels in the request (the daemon's user may not read the operator's file), on this method's own 3 MiB line.
  'gateway-config-apply': strictObject({
    content: refine(aString(), (content) => {
      const bytes = utf8Bytes(content);
      return bytes > MAX_CANDIDATE_BYTES ? `the candidate is ${bytes} bytes, over the gate's ${MAX_CANDIDATE_BYTES} (1 MiB)` : null;
    }),
    source: aString({ minLength: 1, maxLength: 4096 }),
    isDryRun: withDefault(aBoolean, false),
    isVerifying: withDefault(aBoolean, true),
    isForced: withDefault(aBoolean, false),
    timeoutMs: applyTimeoutMs,
    who: requester,
  }),
  'gateway-config-rollback': defaultsWhenMissing(
    strictObject({
      id: optional(aString({ pattern: /^\d{8}T\d{6}Z-\d{3}$/, patternHint: 'an apply id as clawctl gateway-config history prints it (20261201T065500Z-001)' })),
      isVerifying: withDefault(aBoolean, true),
      timeoutMs: applyTimeoutMs,
      who: withDefault(requester, { uid: null, user: null }),
    }),
  ),
  'gateway-config-history': defaultsWhenMissing(strictObject({ n: withDefault(anInteger({ min: 1, max: 500 }), 50) })),
  'gateway-config-diff': defaultsWhenMissing(strictObject({ a: optional(aString({ maxLength: 64 })), b: optional(aString({ maxLength: 64 })) })),
  'audit-run': defaultsWhenMissing(strictObject({ saveBaseline: withDefault(aBoolean, false) })),
  logs: defaultsWhenMissing(strictObject({ n: withDefault(anInteger({ min: 1, max: 10_000 }), 50) })),
  'skill-report': strictObject({ record: checkSkillRecordShape }),
  'skill-forget': strictObject({ name: aString({ pattern: skillNamePattern, patternHint: SKILL_NAME_HINT }) }),
  // `n`: how many of the latest gateway lines the first reply carries for the logs topic.
  subscribe: strictObject({
    topics: arrayOf(oneOf(SUBSCRIBE_TOPICS), { minItems: 1, maxItems: 8, dropsDuplicates: true }),
    n: withDefault(anInteger({ min: 0, max: 10_000 }), 50),
  }),
} satisfies Record<ControlMethod, Check<unknown>>;

export type ParamsOf<M extends ControlMethod> = CheckedType<(typeof PARAM_CHECKS)[M]>;

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
  const checked = (PARAM_CHECKS[method] as Check<unknown>)(fields.params, ['params']);
  if (!checked.ok) return { ok: false, reply: buildError(id, 'bad-params', `${method}: ${checked.path.join('.')}: ${checked.message}`) };
  return { ok: true, request: { id, method, params: checked.value } as ControlRequest };
}

function readId(id: unknown): RequestId | undefined {
  if (id === undefined || id === null) return null;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id.length <= MAX_ID_LENGTH) return id;
  return undefined;
}
