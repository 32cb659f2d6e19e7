import { Type, type Static } from '@sinclair/typebox';

export const HealthSchema = Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') });
export const UnhealthySchema = Type.Object({ status: Type.Literal('unavailable'), database: Type.Literal('unreachable') });

export type Health = Static<typeof HealthSchema> | Static<typeof UnhealthySchema>;
