/**
 * The console's HTTP client. Cookie sessions (credentials: 'same-origin'); every unsafe method sends
 * the CSRF token given by login, setup or /me. Errors arrive as RFC 9457 problem+json and are thrown
 * as ApiError, whose field errors the forms show beside their fields.
 */
import { fieldSentence, normalisePointer } from './field-errors.ts';

export interface FieldError {
  /** JSON pointer (RFC 6901) into the request body, e.g. "/eu/creditsAvailable". */
  pointer: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];

  constructor(options: { status: number; title?: string; detail?: string; errors?: FieldError[] }) {
    const detail = options.detail ?? options.title ?? `The server answered ${options.status}.`;
    super(detail);
    this.name = 'ApiError';
    this.status = options.status;
    this.title = options.title ?? 'Request failed';
    this.detail = detail;
    this.errors = options.errors ?? [];
  }

  /**
   * The message for a field, in sentences (field-errors.ts): an error at the pointer itself or below
   * it ("/recipient" collects "/recipient/email").
   */
  fieldMessage(pointer: string): string | undefined {
    const hits = this.errors.filter((e) => normalisePointer(e.pointer) === pointer || normalisePointer(e.pointer).startsWith(pointer + '/'));
    return hits.length ? hits.map((e) => fieldSentence(e.pointer, e.message)).join(' ') : undefined;
  }

  /** Every field error as a sentence, for the summary at the top of a form. */
  sentences(): string[] {
    return this.errors.map((e) => fieldSentence(e.pointer, e.message));
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Json = unknown;

export interface RequestOptions {
  body?: Json;
  /** A raw body (e.g. a CSV file) sent as is with this content type. */
  raw?: { body: Blob | string; contentType: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e) =>
    isRecord(e) && typeof e.message === 'string'
      ? [{ pointer: typeof e.pointer === 'string' ? e.pointer : '', message: e.message }]
      : [],
  );
}

/** Reads a failed response into an ApiError; never throws while doing so. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isRecord(body)) {
    return new ApiError({
      status: response.status,
      title: typeof body.title === 'string' ? body.title : undefined,
      detail: typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : undefined,
      errors: readFieldErrors(body.errors),
    });
  }
  return new ApiError({ status: response.status, title: response.statusText || undefined });
}

export class ApiClient {
  #csrfToken: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #base: string;

  constructor(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
    this.#base = options.baseUrl ?? '';
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  #onUnauthorized: (() => void) | undefined;

  setCsrfToken(token: string | undefined): void {
    this.#csrfToken = token;
  }

  /** Called when any request answers 401 (the session ended or expired elsewhere). */
  onUnauthorized(listener: (() => void) | undefined): void {
    this.#onUnauthorized = listener;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    let body: BodyInit | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.body;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (UNSAFE.has(method) && this.#csrfToken) headers['x-csrf-token'] = this.#csrfToken;
    let response: Response;
    try {
      response = await this.#fetch(this.#base + path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ status: 0, title: 'Network error', detail: 'The server could not be reached. Check your connection and try again.' });
    }
    if (!response.ok) {
      const error = await toApiError(response);
      if (response.status === 401) this.#onUnauthorized?.();
      throw error;
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: Json, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body: Json, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  patch<T>(path: string, body: Json, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = void>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Any thrown value as an ApiError, so forms have one shape to show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, title: 'Error', detail: error instanceof Error ? error.message : String(error) });
}
