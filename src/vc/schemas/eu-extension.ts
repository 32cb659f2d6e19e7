/**
 * The JSON Schema of microcred's EU micro-credential extension, published by each instance at
 * EU_SCHEMA_PATH and named by EU credentials in `credentialSchema` (type 1EdTechJsonSchemaValidator2019),
 * as OB 3.0 extensions are. Generated from the code lists in src/domain/eu-elements.ts, so the two
 * cannot disagree. It checks the extension's properties only; the official OB 3.0 schema the
 * credential also names checks the rest.
 */
import {
  ASSESSMENT_TYPES,
  INTEGRATION_OPTIONS,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_TYPES,
} from '../../domain/eu-elements.ts';
import type { JsonObject } from '../types.ts';

/** Where every instance publishes the schema, below its public URL. */
export const EU_SCHEMA_PATH = '/schemas/eu/v1';

/** The official OB 3.0 AchievementCredential schema, named beside ours. */
export const OB3_ACHIEVEMENT_CREDENTIAL_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** The schema URL of an instance, e.g. https://uni.example/schemas/eu/v1. */
export function euSchemaUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${EU_SCHEMA_PATH}`;
}

const MICRO_CREDENTIAL_TYPE = 'MicroCredential';
const codes = (list: readonly { code: string }[]) => list.map((entry) => entry.code);
// JSON-LD compaction may give a one-item set as a plain value (OB 3.0's schemas allow the same).
const setOf = (items: JsonObject): JsonObject => ({ oneOf: [items, { type: 'array', items, minItems: 1 }] });
const text: JsonObject = { type: 'string', minLength: 1 };

/** The schema document, with `$id` at the instance's URL. */
export function euExtensionSchema(schemaUrl: string): JsonObject {
  const achievement: JsonObject = {
    type: 'object',
    properties: {
      learningOutcome: setOf(text),
      assessmentType: setOf({ enum: codes(ASSESSMENT_TYPES) }),
      participationForm: { enum: codes(PARTICIPATION_FORMS) },
      qualityAssurance: setOf({ enum: codes(QUALITY_ASSURANCE_TYPES) }),
      prerequisites: text,
      supervision: { enum: codes(SUPERVISION_TYPES) },
      integration: { enum: codes(INTEGRATION_OPTIONS) },
      stackableTowards: setOf({ type: 'string', format: 'uri' }),
      furtherInformation: text,
    },
    // Annex I's mandatory elements that only the extension carries, for micro-credentials.
    if: { properties: { achievementType: { const: MICRO_CREDENTIAL_TYPE } }, required: ['achievementType'] },
    then: { required: ['learningOutcome', 'assessmentType', 'participationForm', 'qualityAssurance', 'creditsAvailable'] },
  };
  const subject: JsonObject = { type: 'object', properties: { achievement }, required: ['achievement'] };
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema#',
    $id: schemaUrl,
    title: 'microcred EU micro-credential extension (Council Recommendation 2022/C 243/02, Annex I) for Open Badges 3.0',
    description: 'Checks the extension properties of credentialSubject.achievement (docs/eu-elements.md); use beside the OB 3.0 AchievementCredential schema.',
    type: 'object',
    properties: { credentialSubject: { oneOf: [subject, { type: 'array', items: subject, minItems: 1 }] } },
    required: ['credentialSubject'],
  };
}
