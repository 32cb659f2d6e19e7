import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

const Text = (maxLength: number) => Type.String({ maxLength });
const TextList = (maxItems: number, maxLength = 2000) => Type.Array(Text(maxLength), { maxItems });

/** The EU Annex I elements; codes and ranges are checked by the service so the message can name them. */
export const EuSchema = Type.Object({
  creditsAvailable: Type.Optional(Type.Number({ description: 'Notional workload in ECTS credits (≥ 0, at most two decimals)' })),
  eqfLevel: Type.Optional(Type.Number({ description: 'EQF level 1–8, where applicable' })),
  learningOutcome: Type.Optional(TextList(100)),
  assessmentType: Type.Optional(TextList(20, 100)),
  participationForm: Type.Optional(Text(100)),
  qualityAssurance: Type.Optional(TextList(20, 100)),
  prerequisites: Type.Optional(Text(5000)),
  supervision: Type.Optional(Text(100)),
  integration: Type.Optional(Text(100)),
  stackableTowards: Type.Optional(TextList(50)),
  furtherInformation: Type.Optional(Text(5000)),
}, { additionalProperties: false });

export const AlignmentSchema = Type.Object({
  targetUrl: Text(2000), targetName: Text(500), targetFramework: Type.Optional(Text(200)),
  targetCode: Type.Optional(Text(200)), targetDescription: Type.Optional(Text(2000)),
}, { additionalProperties: false });

export const ResultDescriptionSchema = Type.Object({
  name: Text(200), resultType: Text(100), allowedValue: Type.Optional(TextList(100, 100)), requiredValue: Type.Optional(Text(100)),
}, { additionalProperties: false });

export const AchievementInputSchema = Type.Object({
  issuerId: Type.String({ maxLength: 100 }),
  name: Text(500),
  description: Text(10_000),
  criteria: Text(10_000),
  achievementType: Type.Optional(Text(100)),
  image: Type.Optional(Nullable(Text(2000))),
  eu: Type.Optional(EuSchema),
  alignments: Type.Optional(Type.Array(AlignmentSchema, { maxItems: 100 })),
  resultDescriptions: Type.Optional(Type.Array(ResultDescriptionSchema, { maxItems: 10 })),
  validityPeriod: Type.Optional(Nullable(Text(50))),
  suspendable: Type.Optional(Type.Boolean({ description: 'Issue credentials that can be suspended (two credentialStatus entries; a strict OB 3.0 schema validator flags them). Default false: one revocation entry.' })),
}, { additionalProperties: false });

export const AchievementSchema = Type.Object({
  id: Type.String(), organisationId: Type.String(), issuerId: Type.String(), version: Type.Integer(), currentVersion: Type.Integer(),
  name: Type.String(), description: Type.String(), criteria: Type.String(), achievementType: Type.String(), imageUrl: Nullable(Type.String()),
  eu: EuSchema, alignments: Type.Array(AlignmentSchema), resultDescriptions: Type.Optional(Type.Array(ResultDescriptionSchema)),
  validityPeriod: Type.Optional(Type.String()), suspendable: Type.Boolean(), url: Type.String(), archivedAt: Nullable(Type.String()), createdAt: Type.String(), updatedAt: Type.String(),
});

export const AchievementVersionSchema = Type.Object({ version: Type.Integer(), name: Type.String(), createdAt: Type.String(), createdBy: Nullable(Type.String()) });
export const AchievementParams = Type.Object({ id: Id });
export const AchievementVersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, { additionalProperties: false });
export const AchievementListQuery = Type.Object({ includeArchived: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const AchievementPreviewSchema = Type.Object({ credential: Type.Unknown() });
/** After an image upload: the definition, and what the SVG sanitiser took out. */
export const AchievementWithImageSchema = Type.Composite([AchievementSchema, Type.Object({ removed: Type.Array(Type.String()) })]);

export type EuElements = Static<typeof EuSchema>;
export type Alignment = Static<typeof AlignmentSchema>;
export type ResultDescription = Static<typeof ResultDescriptionSchema>;
export type AchievementInput = Static<typeof AchievementInputSchema>;
export type Achievement = Static<typeof AchievementSchema>;
export type AchievementVersion = Static<typeof AchievementVersionSchema>;
export type AchievementPreview = Static<typeof AchievementPreviewSchema>;
export type AchievementWithImage = Static<typeof AchievementWithImageSchema>;
