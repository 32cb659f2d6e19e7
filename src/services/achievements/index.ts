import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../../store/schema.ts';
import { CONTEXTS, euContextUrl } from '../../vc/contexts/index.ts';
import { buildAchievementCredential, euContextResource } from '../../vc/credential/build.ts';
import type { JsonObject } from '../../vc/types.ts';
import { actorId, CAN, requireAccess, type Actor } from '../access.ts';
import { audit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { Conflict, InvalidInput, NotFound, type FieldError } from '../errors.ts';
import type { IssuerService } from '../issuers.ts';
import {
  achievementUrl,
  definitionProblems,
  normaliseDefinition,
  ob3Achievement,
  usesEuExtension,
  type AchievementDefinition,
  type Ob3Achievement,
  type AchievementInput,
  type AlignmentInput,
  type EuInput,
  type ResultDescriptionInput,
} from './definition.ts';
import { addDuration } from './duration.ts';
import { checkPng } from './png.ts';
import { sanitiseSvg } from './svg.ts';

export type { AchievementDefinition, AchievementInput, AlignmentInput, EuInput, Ob3Achievement, ResultDescriptionInput } from './definition.ts';
export { addDuration, parseDuration } from './duration.ts';

/** Largest image upload, in bytes. */
export const MAX_IMAGE_BYTES = 512 * 1024;
export const IMAGE_TYPES = ['image/png', 'image/svg+xml'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** An achievement as the console API shows it: the current (or asked-for) version's definition. */
export interface AchievementView {
  id: string;
  organisationId: string;
  issuerId: string;
  version: number;
  /** The latest version; differs from `version` when an older one was asked for. */
  currentVersion: number;
  name: string;
  description: string;
  criteria: string;
  achievementType: string;
  imageUrl: string | null;
  eu: EuInput;
  alignments: AlignmentInput[];
  resultDescriptions?: ResultDescriptionInput[];
  validityPeriod?: string;
  suspendable: boolean;
  /** The public OB 3.0 address of the achievement. */
  url: string;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AchievementVersionSummary {
  version: number;
  name: string;
  createdAt: string;
  createdBy: string | null;
}

export interface StoredImage {
  contentType: ImageType;
  bytes: Buffer;
  /** sha256 (hex) of the bytes, used as ETag. */
  sha256: string;
}

/** What getVersion returns: the row (with archived_at, issuer_id) and one version's definition. */
export interface AchievementVersion {
  achievement: Row<'achievements'>;
  version: number;
  definition: AchievementDefinition;
}

const PREVIEW_CREDENTIAL_ID = 'urn:uuid:00000000-0000-4000-8000-000000000000';
const PREVIEW_RECIPIENT = 'learner@example.org';

function invalid(problems: FieldError[]): InvalidInput {
  return new InvalidInput(`${problems[0]!.pointer.slice(1) || 'body'}: ${problems[0]!.message}`, problems);
}

/**
 * Micro-credential definitions (OB 3.0 Achievements with the EU Annex I elements): create, edit
 * (each edit is a new immutable version), archive, images, and the OB 3.0 documents credentials embed.
 */
export function createAchievementService(ctx: ServiceContext, issuers: IssuerService) {
  const publicUrl = ctx.config.publicUrl;

  function imageUrl(achievementId: string): string {
    return `${achievementUrl(publicUrl, achievementId)}/image`;
  }

  function toOb3Achievement(achievementId: string, version: number, definition: AchievementDefinition): Ob3Achievement {
    return ob3Achievement(achievementUrl(publicUrl, achievementId), version, definition, imageUrl(achievementId));
  }

  function view(row: Row<'achievements'>, version: number, definition: AchievementDefinition): AchievementView {
    const image = definition.imageSha256 !== undefined ? imageUrl(row.id) : definition.image;
    return {
      id: row.id,
      organisationId: row.organisation_id,
      issuerId: row.issuer_id,
      version,
      currentVersion: row.current_version,
      name: definition.name,
      description: definition.description,
      criteria: definition.criteria,
      achievementType: definition.achievementType,
      imageUrl: image ?? null,
      eu: definition.eu,
      alignments: definition.alignments,
      ...(definition.resultDescriptions ? { resultDescriptions: definition.resultDescriptions } : {}),
      ...(definition.validityPeriod !== undefined ? { validityPeriod: definition.validityPeriod } : {}),
      suspendable: definition.suspendable === true,
      url: achievementUrl(publicUrl, row.id),
      archivedAt: row.archived_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function loadRow(db: Kysely<DB>, achievementId: string): Promise<Row<'achievements'>> {
    const row = await db.selectFrom('achievements').selectAll().where('id', '=', achievementId).executeTakeFirst();
    if (!row) throw new NotFound('achievement');
    return row;
  }

  async function loadDefinition(db: Kysely<DB>, achievementId: string, version: number): Promise<AchievementDefinition> {
    const stored = await db.selectFrom('achievement_versions').select('data')
      .where('achievement_id', '=', achievementId).where('version', '=', version).executeTakeFirst();
    if (!stored) throw new NotFound('achievement version');
    return JSON.parse(stored.data) as AchievementDefinition;
  }

  /** Normalises and checks an input; the issuer must be one of the organisation's. */
  async function checked(organisationId: string, input: AchievementInput, previous?: AchievementDefinition): Promise<{ definition: AchievementDefinition; issuer: Row<'issuers'> }> {
    const definition = normaliseDefinition(input, previous);
    const problems = definitionProblems(definition);
    const issuer = await issuers.findRow(input.issuerId);
    if (!issuer || issuer.organisation_id !== organisationId) {
      problems.unshift({ pointer: '/issuerId', message: 'is not an issuer of this organisation' });
    }
    if (problems.length > 0 || !issuer) throw invalid(problems);
    return { definition, issuer };
  }

  async function addVersion(trx: Kysely<DB>, actor: Actor, achievementId: string, version: number, definition: AchievementDefinition, at: string): Promise<void> {
    await trx.insertInto('achievement_versions').values({
      achievement_id: achievementId,
      version,
      data: JSON.stringify(definition),
      created_by: actorId(actor),
      created_at: at,
    }).execute();
  }

  /** Bumps current_version in the row (the update locks it, so concurrent edits get distinct numbers). */
  async function newVersion(trx: Kysely<DB>, actor: Actor, row: Row<'achievements'>, definition: AchievementDefinition, action: string, details: Record<string, unknown> = {}): Promise<AchievementView> {
    const at = ctx.now().toISOString();
    const bumped = await trx.updateTable('achievements')
      .set((eb) => ({ current_version: eb('current_version', '+', 1), issuer_id: definition.issuerId, updated_at: at }))
      .where('id', '=', row.id).where('archived_at', 'is', null)
      .returning('current_version').executeTakeFirst();
    if (!bumped) throw new Conflict('the achievement is archived; archived achievements cannot be changed');
    await addVersion(trx, actor, row.id, bumped.current_version, definition, at);
    await audit(ctx, trx, actor, { organisationId: row.organisation_id, action, targetType: 'achievement', targetId: row.id, details: { version: bumped.current_version, ...details } });
    return view(await loadRow(trx, row.id), bumped.current_version, definition);
  }

  const service = {
    async create(actor: Actor, organisationId: string, input: AchievementInput): Promise<AchievementView> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.manageAchievements }, 'organisation');
      const { definition } = await checked(organisationId, input);
      const id = randomUUID();
      const at = ctx.now().toISOString();
      return ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('achievements').values({
          id, organisation_id: organisationId, issuer_id: definition.issuerId, current_version: 1, archived_at: null,
          image_type: null, image_data: null, created_at: at, updated_at: at,
        }).execute();
        await addVersion(trx, actor, id, 1, definition, at);
        await audit(ctx, trx, actor, { organisationId, action: 'achievement.create', targetType: 'achievement', targetId: id, details: { version: 1, achievementType: definition.achievementType } });
        return view(await loadRow(trx, id), 1, definition);
      });
    },

    /** Saves a new version; credentials already issued keep the version they were issued from. */
    async update(actor: Actor, achievementId: string, input: AchievementInput): Promise<AchievementView> {
      const row = await loadRow(ctx.db, achievementId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.manageAchievements }, 'achievement');
      if (row.archived_at !== null) throw new Conflict('the achievement is archived; archived achievements cannot be changed');
      const previous = await loadDefinition(ctx.db, achievementId, row.current_version);
      const { definition } = await checked(row.organisation_id, input, previous);
      return ctx.db.transaction().execute((trx) => newVersion(trx, actor, row, definition, 'achievement.update'));
    },

    /** Archived achievements can no longer be issued or edited; they stay readable (issued credentials point to them). */
    async archive(actor: Actor, achievementId: string): Promise<AchievementView> {
      const row = await loadRow(ctx.db, achievementId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.manageAchievements }, 'achievement');
      const at = ctx.now().toISOString();
      return ctx.db.transaction().execute(async (trx) => {
        const changed = await trx.updateTable('achievements').set({ archived_at: at, updated_at: at })
          .where('id', '=', achievementId).where('archived_at', 'is', null).executeTakeFirst();
        if (Number(changed.numUpdatedRows) > 0) {
          await audit(ctx, trx, actor, { organisationId: row.organisation_id, action: 'achievement.archive', targetType: 'achievement', targetId: achievementId });
        }
        const current = await loadRow(trx, achievementId);
        return view(current, current.current_version, await loadDefinition(trx, achievementId, current.current_version));
      });
    },

    async list(actor: Actor, organisationId: string, options: { includeArchived?: boolean } = {}): Promise<AchievementView[]> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      let query = ctx.db.selectFrom('achievements')
        .innerJoin('achievement_versions', (join) => join
          .onRef('achievement_versions.achievement_id', '=', 'achievements.id')
          .onRef('achievement_versions.version', '=', 'achievements.current_version'))
        .selectAll('achievements').select('achievement_versions.data')
        .where('achievements.organisation_id', '=', organisationId);
      if (!options.includeArchived) query = query.where('achievements.archived_at', 'is', null);
      const rows = await query.orderBy('achievements.created_at').orderBy('achievements.id').execute();
      return rows.map(({ data, ...row }) => view(row, row.current_version, JSON.parse(data) as AchievementDefinition));
    },

    /** One achievement as of its current version, or of the version asked for. */
    async get(actor: Actor, achievementId: string, version?: number): Promise<AchievementView> {
      const row = await loadRow(ctx.db, achievementId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.read, scope: 'read' }, 'achievement');
      const v = version ?? row.current_version;
      return view(row, v, await loadDefinition(ctx.db, achievementId, v));
    },

    async versions(actor: Actor, achievementId: string): Promise<AchievementVersionSummary[]> {
      const row = await loadRow(ctx.db, achievementId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.read, scope: 'read' }, 'achievement');
      const rows = await ctx.db.selectFrom('achievement_versions').selectAll().where('achievement_id', '=', achievementId).orderBy('version', 'desc').execute();
      return rows.map((r) => ({ version: r.version, name: (JSON.parse(r.data) as AchievementDefinition).name, createdAt: r.created_at, createdBy: r.created_by }));
    },

    /**
     * Stores an uploaded image (PNG checked, SVG sanitised) and saves a version that shows it.
     * Returns the view and what the sanitiser removed, in words.
     */
    async setImage(actor: Actor, achievementId: string, upload: { contentType: string; bytes: Uint8Array }): Promise<AchievementView & { removed: string[] }> {
      const row = await loadRow(ctx.db, achievementId);
      await requireAccess(ctx, actor, row.organisation_id, { roles: CAN.manageAchievements }, 'achievement');
      if (row.archived_at !== null) throw new Conflict('the achievement is archived; archived achievements cannot be changed');
      let bytes: Buffer;
      let removed: string[] = [];
      if (upload.bytes.length > MAX_IMAGE_BYTES) throw InvalidInput.field('/', `is larger than ${MAX_IMAGE_BYTES / 1024} kB`);
      if (upload.contentType === 'image/png') {
        const check = checkPng(upload.bytes);
        if (!check.ok) throw InvalidInput.field('/', check.error);
        bytes = Buffer.from(upload.bytes);
      } else if (upload.contentType === 'image/svg+xml') {
        const result = sanitiseSvg(upload.bytes);
        if (!result.ok) throw InvalidInput.field('/', result.error);
        bytes = Buffer.from(result.svg, 'utf8');
        removed = result.removed;
      } else {
        throw new InvalidInput('the image must be image/png or image/svg+xml', [{ pointer: '/', message: 'must be image/png or image/svg+xml' }], { status: 400 });
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const previous = await loadDefinition(ctx.db, achievementId, row.current_version);
      const { image: _external, ...rest } = previous;
      const definition: AchievementDefinition = { ...rest, imageSha256: sha256 };
      const result = await ctx.db.transaction().execute(async (trx) => {
        await trx.updateTable('achievements').set({ image_type: upload.contentType, image_data: bytes.toString('base64') }).where('id', '=', achievementId).execute();
        return newVersion(trx, actor, row, definition, 'achievement.image', { contentType: upload.contentType, bytes: bytes.length, removed: removed.length });
      });
      return { ...result, removed };
    },

    /** The uploaded image, for the public image URL; undefined when there is none. No access check. */
    async image(achievementId: string): Promise<StoredImage | undefined> {
      const row = await ctx.db.selectFrom('achievements').select(['image_type', 'image_data']).where('id', '=', achievementId).executeTakeFirst();
      if (!row?.image_type || row.image_data === null) return undefined;
      const bytes = Buffer.from(row.image_data, 'base64');
      return { contentType: row.image_type as ImageType, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    },

    /**
     * An unsigned example credential for a definition not yet saved, so the console shows what
     * learners will receive. Same checks as create.
     */
    async preview(actor: Actor, organisationId: string, input: AchievementInput): Promise<{ credential: JsonObject }> {
      await requireAccess(ctx, actor, organisationId, { roles: CAN.read, scope: 'read' }, 'organisation');
      const { definition, issuer } = await checked(organisationId, input);
      const validFrom = ctx.now();
      const validUntil = definition.validityPeriod !== undefined ? addDuration(validFrom, definition.validityPeriod) : undefined;
      const achievement = ob3Achievement(`${publicUrl}/achievements/preview`, 1, definition, undefined);
      const credential = buildAchievementCredential({
        id: PREVIEW_CREDENTIAL_ID,
        achievement,
        issuer: issuers.profile(issuer) as JsonObject & { id: string },
        recipient: { email: PREVIEW_RECIPIENT },
        euContext: euContextUrl(publicUrl),
        validFrom,
        ...(validUntil ? { validUntil } : {}),
      });
      return { credential };
    },

    /** The row and one version's definition (current when version is undefined). No access check; throws NotFound. */
    async getVersion(achievementId: string, version?: number): Promise<AchievementVersion> {
      const row = await loadRow(ctx.db, achievementId);
      const v = version ?? row.current_version;
      return { achievement: row, version: v, definition: await loadDefinition(ctx.db, achievementId, v) };
    },

    /** The OB 3.0 Achievement a credential embeds for this version (no @context). */
    toOb3Achievement,

    /** The ISO 8601 duration after which credentials of this definition expire, when it has one. */
    validityPeriod(definition: AchievementDefinition): string | undefined {
      return definition.validityPeriod;
    },

    /** Whether credentials of this definition can be suspended (they carry a suspension status entry). */
    suspendable(definition: AchievementDefinition): boolean {
      return definition.suspendable === true;
    },

    /**
     * The public OB 3.0 Achievement document (GET /achievements/:id): @context, the version asked for
     * (default current) and its creator profile. Archived achievements stay readable.
     */
    async publicDocument(achievementId: string, version?: number): Promise<JsonObject> {
      const { achievement: row, version: v, definition } = await service.getVersion(achievementId, version);
      const document = toOb3Achievement(achievementId, v, definition);
      const issuer = await issuers.findRow(row.issuer_id);
      const eu = usesEuExtension(document) ? euContextUrl(publicUrl) : undefined;
      return {
        '@context': [CONTEXTS.CREDENTIALS_V2, CONTEXTS.OB_V3, ...(eu ? [eu] : [])],
        ...document,
        ...(issuer ? { creator: issuers.profile(issuer) } : {}),
        // VC 2.0 §5.3: the extension context at this instance, bound to its exact bytes.
        ...(eu ? { relatedResource: [euContextResource(eu)] } : {}),
      };
    },
  };
  return service;
}

export type AchievementService = ReturnType<typeof createAchievementService>;
