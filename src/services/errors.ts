/**
 * Typed errors the services throw; the HTTP layer maps each to RFC 9457 problem details and the CLI
 * to a message and exit code. Messages are written for the person who sent the request: they never
 * carry internal details (SQL, stack, file paths).
 */
export interface FieldError {
  /** JSON pointer into the request body, e.g. `/recipient/email`, or `/` for the whole body. */
  pointer: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** A stable slug for the problem `type` URI. */
  abstract readonly code: string;
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
  readonly code = 'not-found';
  constructor(what = 'resource') {
    super(`${what} not found`);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly title = 'Authentication required';
  readonly code = 'unauthorized';
  constructor(message = 'sign in or give an API key') {
    super(message);
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly code = 'forbidden';
  constructor(message = 'your role does not allow this') {
    super(message);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly code = 'conflict';
  /** The fields whose values clash with what exists (e.g. an id issued before), when it is one field. */
  constructor(message: string, readonly errors: FieldError[] = []) {
    super(message);
  }
}

export class InvalidInput extends DomainError {
  readonly status: number;
  readonly title = 'Invalid input';
  readonly code = 'invalid-input';
  constructor(message: string, readonly errors: FieldError[] = [], options: { status?: 400 | 422 } = {}) {
    super(message);
    this.status = options.status ?? 422;
  }
  /** One field wrong: `InvalidInput.field('/email', 'is not an e-mail address')`. */
  static field(pointer: string, message: string): InvalidInput {
    return new InvalidInput(`${pointer.slice(1) || 'body'} ${message}`, [{ pointer, message }]);
  }
}

export class RateLimited extends DomainError {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly code = 'rate-limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

/** Whether an error means the database cannot be reached right now (answered 503 with Retry-After). */
export { isDatabaseUnavailable } from '../store/unavailable.ts';
