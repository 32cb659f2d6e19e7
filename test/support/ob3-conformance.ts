/**
 * What "conforms to OB 3.0" means in the tests: the official AchievementCredential JSON Schema (as
 * bundled from the standards, checked with ajv as the 1EdTech validator and DCC apply it) and, for
 * EU micro-credentials, the extension schema the credential names at its instance.
 */
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { euExtensionSchema, euSchemaUrl, OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA } from '../../src/vc/schemas/eu-extension.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { readStandardJson } from './standards.ts';

const ajv = new Ajv2019Module.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
const official = ajv.compile(readStandardJson<object>('schemas/ob-v3p0/ob_v3p0_achievementcredential_schema.json'));
const extension = new Map<string, ReturnType<typeof ajv.compile>>();

/** The official OB 3.0 schema's errors for a credential (empty when it validates). */
export function ob3SchemaErrors(credential: unknown): unknown[] {
  return official(credential) ? [] : [...(official.errors ?? [])];
}

/**
 * Asserts the credential validates against the official OB 3.0 schema and against every
 * 1EdTechJsonSchemaValidator2019 schema it names that is an instance's EU extension schema (given
 * the instance's public URL, the schema that instance publishes).
 */
export function expectOb3Conformant(credential: JsonObject, publicUrl: string): void {
  expect(ob3SchemaErrors(credential), JSON.stringify(official.errors)).toEqual([]);
  const named = [credential.credentialSchema].flat().filter((entry): entry is JsonObject => typeof entry === 'object' && entry !== null);
  for (const entry of named) {
    expect(entry.type).toBe('1EdTechJsonSchemaValidator2019');
    if (entry.id === OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA) continue;
    expect(entry.id).toBe(euSchemaUrl(publicUrl));
    let validate = extension.get(publicUrl);
    if (!validate) extension.set(publicUrl, (validate = ajv.compile(euExtensionSchema(euSchemaUrl(publicUrl)))));
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
  }
}
