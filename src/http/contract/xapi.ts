import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable } from './common.ts';

/** The xAPI version microcred speaks, sent back on every /xapi answer. */
export const XAPI_VERSION = '1.0.3';

export const XapiVersionHeaders = Type.Object({
  'x-experience-api-version': Type.Optional(Type.String({ description: 'Required: 1.0.3 (any 1.0.x is accepted)' })),
});
export const XapiPutQuery = Type.Object({ statementId: Type.String({ description: 'The statement\'s id (UUID)', maxLength: 64 }) }, { additionalProperties: false });
export const XapiStatementsBody = Type.Unknown({ description: 'One xAPI 1.0.3 statement, or (POST) an array of them. Checked by the server for clear per-field messages.' });
export const XapiStatementIds = Type.Array(Type.String(), { description: 'The ids of the statements, in the order sent' });
export const XapiAboutSchema = Type.Object({ version: Type.Array(Type.String()) });

export const XapiRuleSchema = Type.Object({
  id: Type.String(), achievementId: Type.String(), verbId: Type.String(), activityId: Type.String(),
  minScaled: Nullable(Type.Number()), createdAt: Type.String(),
}, { $id: 'XapiRule' });
export type XapiRule = Static<typeof XapiRuleSchema>;

export const XapiRuleCreateSchema = Type.Object({
  achievementId: Id,
  verbId: Type.String({ minLength: 1, maxLength: 2048, description: 'The verb\'s IRI, e.g. http://adlnet.gov/expapi/verbs/completed' }),
  activityId: Type.String({ minLength: 1, maxLength: 2048, description: 'The activity\'s IRI (the statement\'s object.id)' }),
  minScaled: Type.Optional(Nullable(Type.Number({ minimum: -1, maximum: 1, description: 'Lowest result.score.scaled that earns it; absent: any' }))),
}, { additionalProperties: false });
export type XapiRuleCreate = Static<typeof XapiRuleCreateSchema>;

export const XapiRuleParams = Type.Object({ orgId: Id, ruleId: Id });

export const XapiStatementSummarySchema = Type.Object({
  id: Type.String(), verbId: Type.String(), activityId: Nullable(Type.String()), matchedRuleId: Nullable(Type.String()),
  receivedAt: Type.String(), purgeAfter: Nullable(Type.String({ description: 'When an unmatched statement is deleted (audit window)' })),
});
export type XapiStatementSummary = Static<typeof XapiStatementSummarySchema>;
export const XapiStatementsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false });
