/**
 * xAPI 1.0.3 statements (IEEE 9274.1.1) as microcred receives them: hostile input checked field by
 * field, reduced to what the rules need, and the rules that a statement meets. Pure: no IO, no clock.
 */

export interface StatementProblem {
  /** JSON pointer into the request body. */
  pointer: string;
  message: string;
}

/** Who the statement is about, by the one inverse functional identifier an Agent carries (xAPI Data §2.4.2.3). */
export type XapiIdentity =
  | { kind: 'mbox'; email: string }
  | { kind: 'account'; homePage: string; name: string }
  | { kind: 'other' };

export interface ParsedStatement {
  id?: string;
  actor: XapiIdentity;
  actorName?: string;
  verbId: string;
  /** The object's id when the object is an Activity. */
  activityId?: string;
  /** result.score.scaled, -1..1. */
  scaled?: number;
  /** The statement as sent (what is stored). */
  raw: Record<string, unknown>;
}

export interface XapiRule {
  id: string;
  achievementId: string;
  verbId: string;
  activityId: string;
  minScaled: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** xAPI Data §2.4: the properties a statement may have; any other is refused (400). */
const STATEMENT_KEYS = new Set(['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments']);
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An absolute IRI: a scheme and something after it (xAPI Data §2.2, "IRI"). */
export function isIri(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 2048 && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Checks an Agent or Group (xAPI Data §2.4.2): exactly one identifier (an anonymous Group: members instead). */
function checkAgent(value: unknown, pointer: string, problems: StatementProblem[]): XapiIdentity {
  if (!isObject(value)) {
    problems.push({ pointer, message: 'must be an Agent or Group object' });
    return { kind: 'other' };
  }
  const type = value.objectType ?? 'Agent';
  if (type !== 'Agent' && type !== 'Group') problems.push({ pointer: `${pointer}/objectType`, message: 'must be "Agent" or "Group"' });
  if (value.name !== undefined && typeof value.name !== 'string') problems.push({ pointer: `${pointer}/name`, message: 'must be a string' });
  const ifis = ['mbox', 'mbox_sha1sum', 'openid', 'account'].filter((key) => value[key] !== undefined);
  if (type === 'Group' && Array.isArray(value.member) && ifis.length === 0) {
    value.member.forEach((member, i) => checkAgent(member, `${pointer}/member/${i}`, problems));
    return { kind: 'other' };
  }
  if (ifis.length !== 1) {
    problems.push({ pointer, message: ifis.length === 0 ? 'must identify the person: mbox, mbox_sha1sum, openid or account' : `must carry exactly one identifier, not ${ifis.join(' and ')}` });
    return { kind: 'other' };
  }
  const [ifi] = ifis as [string];
  const given = value[ifi];
  switch (ifi) {
    case 'mbox': {
      if (typeof given !== 'string' || !given.toLowerCase().startsWith('mailto:') || !EMAIL.test(given.slice(7)) || given.length > 330) {
        problems.push({ pointer: `${pointer}/mbox`, message: 'must be "mailto:" and an e-mail address' });
        return { kind: 'other' };
      }
      return { kind: 'mbox', email: given.slice(7).toLowerCase() };
    }
    case 'mbox_sha1sum':
      if (typeof given !== 'string' || !/^[0-9a-f]{40}$/i.test(given)) problems.push({ pointer: `${pointer}/mbox_sha1sum`, message: 'must be a hex SHA-1 digest' });
      return { kind: 'other' };
    case 'openid':
      if (!isIri(given)) problems.push({ pointer: `${pointer}/openid`, message: 'must be a URI' });
      return { kind: 'other' };
    default: {
      if (!isObject(given)) {
        problems.push({ pointer: `${pointer}/account`, message: 'must be an object with homePage and name' });
        return { kind: 'other' };
      }
      const before = problems.length;
      if (!isIri(given.homePage)) problems.push({ pointer: `${pointer}/account/homePage`, message: 'must be a URL' });
      if (typeof given.name !== 'string' || given.name === '' || given.name.length > 320) problems.push({ pointer: `${pointer}/account/name`, message: 'must be a non-empty string' });
      return problems.length === before ? { kind: 'account', homePage: given.homePage as string, name: given.name as string } : { kind: 'other' };
    }
  }
}

function checkObject(value: unknown, pointer: string, problems: StatementProblem[], nested: boolean): string | undefined {
  if (!isObject(value)) {
    problems.push({ pointer, message: 'is required: the Activity (or Agent, Group, StatementRef, SubStatement) the statement is about' });
    return undefined;
  }
  const type = value.objectType ?? 'Activity';
  switch (type) {
    case 'Activity':
      if (!isIri(value.id)) {
        problems.push({ pointer: `${pointer}/id`, message: 'must be the Activity\'s IRI' });
        return undefined;
      }
      if (value.definition !== undefined && !isObject(value.definition)) problems.push({ pointer: `${pointer}/definition`, message: 'must be an object' });
      return value.id;
    case 'Agent':
    case 'Group':
      checkAgent(value, pointer, problems);
      return undefined;
    case 'StatementRef':
      if (!isUuid(value.id)) problems.push({ pointer: `${pointer}/id`, message: 'must be a statement id (UUID)' });
      return undefined;
    case 'SubStatement':
      if (nested) problems.push({ pointer, message: 'a SubStatement cannot contain another SubStatement' });
      else {
        checkAgent(value.actor, `${pointer}/actor`, problems);
        checkVerb(value.verb, `${pointer}/verb`, problems);
        checkObject(value.object, `${pointer}/object`, problems, true);
      }
      return undefined;
    default:
      problems.push({ pointer: `${pointer}/objectType`, message: 'must be Activity, Agent, Group, StatementRef or SubStatement' });
      return undefined;
  }
}

function checkVerb(value: unknown, pointer: string, problems: StatementProblem[]): string | undefined {
  if (!isObject(value)) {
    problems.push({ pointer, message: 'is required: an object with the verb\'s IRI as id' });
    return undefined;
  }
  if (!isIri(value.id)) {
    problems.push({ pointer: `${pointer}/id`, message: 'must be the verb\'s IRI' });
    return undefined;
  }
  if (value.display !== undefined && (!isObject(value.display) || Object.values(value.display).some((text) => typeof text !== 'string'))) {
    problems.push({ pointer: `${pointer}/display`, message: 'must be a language map (language tag → string)' });
  }
  return value.id;
}

function checkResult(value: unknown, pointer: string, problems: StatementProblem[]): number | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    problems.push({ pointer, message: 'must be an object' });
    return undefined;
  }
  for (const flag of ['success', 'completion'] as const) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean') problems.push({ pointer: `${pointer}/${flag}`, message: 'must be true or false' });
  }
  if (value.response !== undefined && typeof value.response !== 'string') problems.push({ pointer: `${pointer}/response`, message: 'must be a string' });
  if (value.duration !== undefined && (typeof value.duration !== 'string' || !/^P(?!$)/.test(value.duration))) problems.push({ pointer: `${pointer}/duration`, message: 'must be an ISO 8601 duration' });
  if (value.score === undefined) return undefined;
  const score = value.score;
  if (!isObject(score)) {
    problems.push({ pointer: `${pointer}/score`, message: 'must be an object' });
    return undefined;
  }
  for (const key of ['scaled', 'raw', 'min', 'max'] as const) {
    if (score[key] !== undefined && (typeof score[key] !== 'number' || !Number.isFinite(score[key]))) problems.push({ pointer: `${pointer}/score/${key}`, message: 'must be a number' });
  }
  const scaled = score.scaled;
  if (typeof scaled === 'number' && (scaled < -1 || scaled > 1)) {
    problems.push({ pointer: `${pointer}/score/scaled`, message: 'must be between -1 and 1' });
    return undefined;
  }
  const { min, max, raw } = score;
  if (typeof min === 'number' && typeof max === 'number' && min > max) problems.push({ pointer: `${pointer}/score/min`, message: 'must not be above max' });
  if (typeof raw === 'number' && ((typeof min === 'number' && raw < min) || (typeof max === 'number' && raw > max))) problems.push({ pointer: `${pointer}/score/raw`, message: 'must be between min and max' });
  return typeof scaled === 'number' ? scaled : undefined;
}

/**
 * Checks one statement (xAPI 1.0.3 Data §2.2–2.4): its shape, the identifiers and IRIs, the score's
 * range. Returns every problem found, each with a pointer under `pointer`.
 *
 * @example parseStatement(JSON.parse(body), '') // { ok: true, statement } or { ok: false, problems }
 */
export function parseStatement(value: unknown, pointer = ''): { ok: true; statement: ParsedStatement } | { ok: false; problems: StatementProblem[] } {
  const problems: StatementProblem[] = [];
  if (!isObject(value)) return { ok: false, problems: [{ pointer: pointer || '/', message: 'must be a statement object' }] };
  for (const key of Object.keys(value)) {
    if (!STATEMENT_KEYS.has(key)) problems.push({ pointer: `${pointer}/${key}`, message: 'is not a statement property' });
    else if (value[key] === null) problems.push({ pointer: `${pointer}/${key}`, message: 'must not be null' });
  }
  if (value.id !== undefined && !isUuid(value.id)) problems.push({ pointer: `${pointer}/id`, message: 'must be a UUID' });
  if (value.version !== undefined && (typeof value.version !== 'string' || !/^1\.0(\.\d+)?$/.test(value.version))) problems.push({ pointer: `${pointer}/version`, message: 'must be a 1.0.x version' });
  if (value.timestamp !== undefined && (typeof value.timestamp !== 'string' || !ISO_TIMESTAMP.test(value.timestamp) || Number.isNaN(Date.parse(value.timestamp)))) {
    problems.push({ pointer: `${pointer}/timestamp`, message: 'must be an ISO 8601 date-time' });
  }
  if (value.context !== undefined && !isObject(value.context)) problems.push({ pointer: `${pointer}/context`, message: 'must be an object' });
  const actor = value.actor === undefined ? (problems.push({ pointer: `${pointer}/actor`, message: 'is required: who did it (an Agent with mbox or account)' }), { kind: 'other' as const }) : checkAgent(value.actor, `${pointer}/actor`, problems);
  const verbId = checkVerb(value.verb, `${pointer}/verb`, problems);
  const activityId = checkObject(value.object, `${pointer}/object`, problems, false);
  const scaled = checkResult(value.result, `${pointer}/result`, problems);
  if (problems.length > 0 || verbId === undefined) return { ok: false, problems };
  const actorValue = value.actor as Record<string, unknown>;
  return {
    ok: true,
    statement: {
      ...(typeof value.id === 'string' ? { id: value.id.toLowerCase() } : {}),
      actor, ...(typeof actorValue.name === 'string' ? { actorName: actorValue.name } : {}),
      verbId, ...(activityId !== undefined ? { activityId } : {}), ...(scaled !== undefined ? { scaled } : {}),
      raw: value,
    },
  };
}

/** The rules a statement meets: same verb and activity, and a scaled score at least the minimum when the rule sets one. */
export function matchingRules<R extends XapiRule>(statement: ParsedStatement, rules: readonly R[]): R[] {
  return rules.filter((rule) => rule.verbId === statement.verbId && rule.activityId === statement.activityId
    && (rule.minScaled === null || (statement.scaled !== undefined && statement.scaled >= rule.minScaled)));
}

/**
 * The form two statements with one id are compared in (xAPI Data §2.2 "Statement comparison"):
 * without what the LRS adds (stored, authority, version) and with keys sorted, so a forwarder re-sending
 * the same statement is recognised.
 */
export function comparableForm(raw: Record<string, unknown>): string {
  const { stored: _stored, authority: _authority, version: _version, id: _id, ...rest } = raw;
  const sort = (value: unknown): unknown => Array.isArray(value) ? value.map(sort)
    : isObject(value) ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sort(value[key])])) : value;
  return JSON.stringify(sort(rest));
}
