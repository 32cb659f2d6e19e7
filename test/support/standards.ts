/**
 * The standards' own files (contexts, JSON Schemas, signed vectors), copied into the repository from
 * the workplace's shared/standards with their SOURCES.md and licences: every test reads them through
 * here, so a clone of the project alone has everything its tests need.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../fixtures/standards/', import.meta.url);

/** A file or folder under test/fixtures/standards, as a file: URL (a folder ends with '/'). */
export function standardsUrl(relative: string): URL {
  if (relative.startsWith('/') || relative.split('/').includes('..')) {
    throw new TypeError(`standards path must stay inside the bundled standards: ${relative}`);
  }
  return new URL(relative, ROOT);
}

/** The same, as a file system path. */
export function standardsPath(relative: string): string {
  return fileURLToPath(standardsUrl(relative));
}

export function readStandard(relative: string): string {
  return readFileSync(standardsUrl(relative), 'utf8');
}

export function readStandardJson<T = unknown>(relative: string): T {
  return JSON.parse(readStandard(relative)) as T;
}
