import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, DomainError, InvalidInput, isDatabaseUnavailable, RateLimited, type FieldError } from '../services/errors.ts';
import { TYPE_WORDS } from '../vc/structure.ts';

export const PROBLEM_BASE = 'https://w3id.org/microcred/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * The problem's `instance`: the request's path without its query, which may carry secrets (tokens,
 * searches by e-mail) that have no business in an error body, a proxy's cache or a log of responses.
 */
export function instanceOf(url: string): string {
  return url.split('?')[0]!.split('#')[0]!;
}

/** Turns an Ajv instancePath (`/recipient/email`) plus a missing property into a JSON pointer. */
function pointerOf(validation: NonNullable<FastifyError['validation']>[number], context: string | undefined): string {
  const params = validation.params as Record<string, unknown>;
  const base = validation.instancePath || '';
  const prefix = context && context !== 'body' ? `/${context}` : '';
  if (typeof params.missingProperty === 'string') return `${prefix}${base}/${params.missingProperty}`;
  if (typeof params.additionalProperty === 'string') return `${prefix}${base}/${params.additionalProperty}`;
  return `${prefix}${base}` || '/';
}

/** Ajv's keyword messages, said in words a person filling a form understands. */
function describe(validation: NonNullable<FastifyError['validation']>[number]): string {
  const params = validation.params as Record<string, unknown>;
  switch (validation.keyword) {
    case 'required': return 'is required';
    case 'additionalProperties': return 'is not a known property';
    case 'minLength': return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`;
    case 'maxLength': return `must be at most ${String(params.limit)} characters`;
    case 'minimum': return `must be ${String(params.limit)} or more`;
    case 'maximum': return `must be ${String(params.limit)} or less`;
    case 'minItems': return params.limit === 1 ? 'must list at least one item' : `must list at least ${String(params.limit)} items`;
    case 'maxItems': return `must list at most ${String(params.limit)} items`;
    case 'format': return params.format === 'uuid' ? 'is not a valid id' : `is not a valid ${String(params.format)}`;
    case 'type': return `must be ${String(params.type).split(',').map((type) => TYPE_WORDS[type] ?? type).join(' or ')}`;
    case 'const':
    case 'enum': {
      const allowed = params.allowedValues ?? (params.allowedValue !== undefined ? [params.allowedValue] : undefined);
      return Array.isArray(allowed) ? `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}` : 'is not one of the allowed values';
    }
    case 'anyOf':
    case 'oneOf': return 'does not match any of the allowed forms';
    case 'pattern': return 'is not in the expected form';
    default: return validation.message ?? 'is invalid';
  }
}

/**
 * The one error handler: domain errors and request validation become RFC 9457 problem details naming
 * the field; anything else is a 500 whose body says nothing about the cause (the log has it).
 */
export function problemFromError(error: unknown, request: FastifyRequest): Problem {
  if (error instanceof DomainError) {
    const problem: Problem = { type: `${PROBLEM_BASE}${error.code}`, title: error.title, status: error.status, detail: error.message, instance: instanceOf(request.url) };
    if ((error instanceof InvalidInput || error instanceof Conflict) && error.errors.length > 0) problem.errors = error.errors;
    if (error instanceof RateLimited) problem.retryAfter = error.retryAfterSeconds;
    for (const [key, value] of Object.entries(error)) {
      if (key.startsWith('problem_')) problem[key.slice(8)] = value;
    }
    return problem;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((item) => ({ pointer: pointerOf(item, fastifyError.validationContext), message: describe(item) }));
    return {
      type: `${PROBLEM_BASE}invalid-request`, title: 'Invalid request', status: 400,
      detail: `${errors[0]!.pointer} ${errors[0]!.message}`, instance: instanceOf(request.url), errors,
    };
  }
  const status = typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500 ? fastifyError.statusCode : 500;
  if (status < 500) {
    // Fastify's own client errors (body too large, bad JSON, unsupported media type) have safe messages.
    return { type: `${PROBLEM_BASE}${fastifyError.code ?? 'bad-request'}`.toLowerCase(), title: 'Bad request', status, detail: fastifyError.message, instance: instanceOf(request.url) };
  }
  if (isDatabaseUnavailable(error)) {
    // A database restart, failover or network reset: the node lives on and the client may retry.
    return {
      type: `${PROBLEM_BASE}unavailable`, title: 'Service unavailable', status: 503, retryAfter: 5,
      detail: 'the service cannot reach its database right now; try again in a few seconds', instance: request.url,
    };
  }
  return { type: `${PROBLEM_BASE}internal`, title: 'Internal error', status: 500, detail: 'something went wrong on our side; it has been logged', instance: instanceOf(request.url) };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // Whoever built the problem, its instance never carries the query.
  if (typeof problem.instance === 'string') problem.instance = instanceOf(problem.instance);
  if (typeof problem.retryAfter === 'number') void reply.header('retry-after', String(problem.retryAfter));
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
