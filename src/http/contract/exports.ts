import { Type } from '@sinclair/typebox';

export const ClrQuery = Type.Object({ email: Type.Optional(Type.String({ maxLength: 320, description: 'Required: the learner’s e-mail address, as the credentials were issued to it' })) }, { additionalProperties: false });
