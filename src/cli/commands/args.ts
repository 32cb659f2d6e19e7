import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { Io } from '../output.ts';
import type { OptionValues } from './types.ts';

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** Reads a file relative to the command's working directory; `-` reads standard input. */
export async function readInput(io: Io, path: string, maxBytes = 32 * 1024 * 1024): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of io.stdin) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > maxBytes) throw new UsageError(`The input is larger than ${maxBytes} bytes.`);
      chunks.push(buffer);
    }
    if (size === 0) throw new UsageError('Standard input is empty.');
    return new Uint8Array(Buffer.concat(chunks));
  }
  try {
    // The size is checked before reading, so a huge file is refused without being loaded.
    if ((await stat(resolve(io.cwd, path))).size > maxBytes) throw new UsageError(`${path} is larger than ${maxBytes} bytes.`);
    const data = await readFile(resolve(io.cwd, path));
    if (data.length > maxBytes) throw new UsageError(`${path} is larger than ${maxBytes} bytes.`);
    if (data.length === 0) throw new UsageError(`${path} is empty.`);
    return new Uint8Array(data);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`cannot read ${path}: ${reason}`);
  }
}

export async function readJsonFile(io: Io, path: string): Promise<unknown> {
  const bytes = await readInput(io, path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
