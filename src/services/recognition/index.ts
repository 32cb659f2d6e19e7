import { randomUUID } from 'node:crypto';
import { validateAgreement, validateProgramme } from '../../domain/recognition/index.ts';
import type { Programme, RecognitionAgreement } from '../../domain/recognition/index.ts';
import type { Problem } from '../../domain/stacking/json.ts';
import { CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { Services } from '../index.ts';

/** A programme as the registrar wrote it, without its id (the service gives one). */
export type ProgrammeInput = Omit<Programme, 'id' | 'version'>;
/** An agreement toward a programme, without its id (the service gives one). */
export type AgreementInput = Omit<RecognitionAgreement, 'id' | 'version'> & { programmeId: string };

export interface ProgrammeView extends Programme {
  organisationId: string;
  createdAt: string;
  updatedAt: string;
}

export interface AgreementView extends RecognitionAgreement {
  organisationId: string;
  programmeId: string;
  createdAt: string;
}

function invalid(message: string, problems: Problem[]): InvalidInput {
  return new InvalidInput(`${message}: ${problems[0]!.path || '/'} ${problems[0]!.message}`, problems.map((p) => ({ pointer: p.path || '/', message: p.message })));
}

/**
 * Recognition of prior learning for credit (issue 5): programmes and recognition agreements, defined
 * per organisation by its registrar and checked by the pure engine (src/domain/recognition). The
 * request / decision flow and RPL by assessment are not built yet.
 */
export function createRecognitionService(ctx: ServiceContext, _deps: Pick<Services, 'issuers' | 'achievements' | 'credentials' | 'wallet'>) {
  const manage = { roles: CAN.manageRecognition };
  const read = { roles: CAN.read, scope: 'read' as const };

  function programmeView(row: { id: string; organisation_id: string; definition: string; created_at: string; updated_at: string }): ProgrammeView {
    const definition = JSON.parse(row.definition) as Programme;
    return { ...definition, id: row.id, organisationId: row.organisation_id, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  function agreementView(row: { id: string; organisation_id: string; programme_id: string; definition: string; created_at: string }): AgreementView {
    const definition = JSON.parse(row.definition) as RecognitionAgreement;
    return { ...definition, id: row.id, organisationId: row.organisation_id, programmeId: row.programme_id, createdAt: row.created_at };
  }

  async function programmeRow(organisationId: string, programmeId: string) {
    const row = await ctx.db.selectFrom('recognition_programmes').selectAll()
      .where('id', '=', programmeId).where('organisation_id', '=', organisationId).executeTakeFirst();
    if (!row) throw new NotFound('programme');
    return row;
  }

  return {
    async createProgramme(actor: Actor, organisationId: string, input: ProgrammeInput): Promise<ProgrammeView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const id = randomUUID();
      const definition: Programme = { ...input, id };
      const problems = validateProgramme(definition);
      if (problems.length > 0) throw invalid('The programme is not valid', problems);
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('recognition_programmes').values({
          id, organisation_id: organisationId, name: definition.name, definition: JSON.stringify(definition), created_at: now, updated_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.programme.create', targetType: 'programme', targetId: id });
      });
      return programmeView(await programmeRow(organisationId, id));
    },

    async listProgrammes(actor: Actor, organisationId: string): Promise<ProgrammeView[]> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      const rows = await ctx.db.selectFrom('recognition_programmes').selectAll()
        .where('organisation_id', '=', organisationId).orderBy('name').orderBy('id').execute();
      return rows.map(programmeView);
    },

    async createAgreement(actor: Actor, organisationId: string, input: AgreementInput): Promise<AgreementView> {
      await requireAccess(ctx, actor, organisationId, manage, 'organisation');
      const { programmeId, ...rest } = input;
      const programme = programmeView(await programmeRow(organisationId, programmeId));
      const id = randomUUID();
      const definition: RecognitionAgreement = { ...rest, id };
      const problems = validateAgreement(definition, programme);
      if (problems.length > 0) throw invalid('The agreement is not valid', problems);
      const now = ctx.now().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('recognition_agreements').values({
          id, organisation_id: organisationId, programme_id: programmeId, definition: JSON.stringify(definition), created_at: now,
        }).execute();
        await audit(ctx, trx, actor, { organisationId, action: 'recognition.agreement.create', targetType: 'agreement', targetId: id, details: { programmeId } });
      });
      return { ...definition, organisationId, programmeId, createdAt: now };
    },

    async listAgreements(actor: Actor, organisationId: string, programmeId?: string): Promise<AgreementView[]> {
      await requireAccess(ctx, actor, organisationId, read, 'organisation');
      let query = ctx.db.selectFrom('recognition_agreements').selectAll().where('organisation_id', '=', organisationId);
      if (programmeId !== undefined) query = query.where('programme_id', '=', programmeId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(agreementView);
    },
  };
}

export type RecognitionService = ReturnType<typeof createRecognitionService>;
