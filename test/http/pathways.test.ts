/**
 * Pathways over HTTP on every dialect: the designer's rules checked by the engine (problems point into
 * /rules), versions, the live check against a sample learner, trusted issuers, the catalogue; a
 * learner's progress recomputed by the real job runner when a claim changes the wallet, what to take
 * next, the stacked credential issued automatically on completion (evidence and relatedResource
 * naming its constituents, verified by our engine and by the reference library), and a revoked
 * constituent flagging the award (policy "suspend": suspended at once; the issuer keeps it).
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022Cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeJobRunner } from '../../src/app-jobs.ts';
import type { JobRunner } from '../../src/queue/index.ts';
import { SYSTEM } from '../../src/services/access.ts';
import { sha256Hex } from '../../src/services/tokens.ts';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import type { JsonObject } from '../../src/vc/types.ts';
import { appDocumentLoader } from '../support/app-document-loader.ts';
import { createReferenceIssuer } from '../support/reference.ts';
import { bearer, createTestApp, login, sessionFrom, signUpAndSignIn, TEST_PUBLIC_URL, type Session, inviteMember, type TestApp } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { issuingOrganisation, MICRO_CREDENTIAL } from './credentials-fixture.ts';
import { expectOb3Conformant } from '../support/ob3-conformance.ts';

warnIfPostgresSkipped();

const ajv = new Ajv2019Module.default({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
const validateClr = ajv.compile(JSON.parse(readFileSync(new URL('../../src/vc/schemas/clr_v2p0_clrcredential_schema.json', import.meta.url), 'utf8')) as object);

const LEARNER = 'lin@learner.test';

for (const dialect of DIALECTS) {
  describe(`pathways over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: Awaited<ReturnType<typeof issuingOrganisation>>;
    let runner: JobRunner;
    let learner: Session;
    let apiKey: string;
    let course: { stats: string; ml: string; target: string };
    let pathwayId: string;
    let issuedStats: string;
    const clock = new Date('2026-10-01T09:00:00.000Z');
    const url = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;
    const achievementUrl = (id: string) => `${TEST_PUBLIC_URL}/achievements/${id}`;
    const rules = () => ({
      requirements: [
        { id: 'core', label: 'Core courses', kind: 'allOf', achievements: [achievementUrl(course.stats), achievementUrl(course.ml)] },
        { id: 'credits', label: 'Ten ECTS in all', kind: 'atLeastCredits', credits: 10, allowSharing: true },
      ],
    });
    const pathwayBody = (extra: Record<string, unknown> = {}) => ({ name: 'Data Science Certificate', achievementId: course.target, rules: rules(), ...extra });

    async function issueAndClaim(achievementId: string): Promise<string> {
      const issued = await org.owner.request('POST', url('credentials'), { achievementId, recipient: { email: LEARNER, name: 'Lin Chen' } });
      expect(issued.statusCode, issued.body).toBe(201);
      const id = issued.json().id as string;
      // The claim link of this credential: the one whose token hashes to its claim_token_hash.
      const { claim_token_hash: hash } = await t.runtime.store.db.selectFrom('credentials').select('claim_token_hash').where('id', '=', id).executeTakeFirstOrThrow();
      const mail = await t.runtime.store.db.selectFrom('outbox').select('text_body').where('to_address', '=', LEARNER).execute();
      const token = mail.map((m) => /\/claim\/([A-Za-z0-9_-]+)/.exec(m.text_body)?.[1]).find((candidate) => candidate !== undefined && sha256Hex(candidate) === hash)!;
      const claimed = await learner.request('POST', `/api/v1/claim/${token}`);
      expect(claimed.statusCode, claimed.body).toBeLessThan(300);
      return id;
    }

    beforeAll(async () => {
      // A webhook target on 127.0.0.1 may be subscribed (the fetcher still refuses the network: deliveries are only queued here).
      t = await createTestApp(dialect, { now: () => clock, allowAddress: (address) => address === '127.0.0.1' });
      org = await issuingOrganisation(t);
      const { achievements } = t.runtime.services;
      const make = async (name: string, credits: number, suspendable = false) => (await achievements.create(SYSTEM, org.organisationId, {
        issuerId: org.issuerId, ...MICRO_CREDENTIAL, name, eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: credits }, suspendable,
      })).id;
      course = { stats: await make('Statistics I', 5), ml: await make('Machine Learning', 5), target: await make('Certificate in Data Science', 10) };
      runner = createRuntimeJobRunner(t.runtime, { workers: 0 });
      const signup = await signUpAndSignIn(t.app, { email: LEARNER, password: 'learner-password-1', name: 'Lin Chen' });
      expect(signup.statusCode, signup.body).toBe(200);
      learner = sessionFrom(t.app, signup);
      const key = await org.owner.request('POST', url('api-keys'), { name: 'LMS', scopes: ['issue', 'read', 'status'] });
      apiKey = key.json().key as string;
    });
    afterAll(async () => {
      await runner?.stop();
      await t?.close();
    });

    it('refuses rules the engine cannot read, with a pointer into /rules', async () => {
      const bad = await org.owner.request('POST', url('pathways'), {
        ...pathwayBody(), rules: { requirements: [{ id: 'x', kind: 'atLeastN', n: 0, from: {} }, { id: 'x', kind: 'allOf', achievements: [] }] },
      });
      expect(bad.statusCode, bad.body).toBe(422);
      const pointers = (bad.json().errors as { pointer: string }[]).map((e) => e.pointer);
      expect(pointers.some((p) => p.startsWith('/rules/requirements/0/n'))).toBe(true);
      expect(pointers.some((p) => p.startsWith('/rules/requirements/1'))).toBe(true);
      const foreign = await org.owner.request('POST', url('pathways'), { ...pathwayBody(), achievementId: '00000000-0000-4000-8000-000000000000' });
      expect(foreign.statusCode).toBe(422);
      expect(foreign.json().errors[0].pointer).toBe('/achievementId');
    });

    it("checks the rules live against a sample learner from the catalogue or from the organisation's own records", async () => {
      const half = await org.owner.request('POST', url('pathway-checks'), { rules: rules(), sample: { achievementIds: [achievementUrl(course.stats)] } });
      expect(half.statusCode, half.body).toBe(200);
      expect(half.json().problems).toEqual([]);
      expect(half.json().evaluation.complete).toBe(false);
      expect(half.json().evaluation.progress).toBeCloseTo(0.5);
      expect(half.json().evaluation.requirements[0].missing.achievements).toEqual([achievementUrl(course.ml)]);
      expect(half.json().sample).toEqual([expect.objectContaining({ achievementName: 'Statistics I', status: 'valid' })]);
      const full = await org.owner.request('POST', url('pathway-checks'), { rules: rules(), sample: { achievementIds: [achievementUrl(course.stats), achievementUrl(course.ml)] } });
      expect(full.json().evaluation.complete).toBe(true);
      expect(full.json().evaluation.creditsCounted).toBe(10);
      const broken = await org.owner.request('POST', url('pathway-checks'), { rules: { requirements: [{ id: 'a', kind: 'minEqfLevel', level: 12 }] } });
      expect(broken.json().evaluation).toBeNull();
      expect(broken.json().problems[0].path).toMatch(/^\/rules\/requirements\/0\/level/);
      // A sample by address uses only what this organisation issued to it.
      const byEmail = await org.owner.request('POST', url('pathway-checks'), { rules: rules(), sample: { email: 'nobody@learner.test' } });
      expect(byEmail.json().sample).toEqual([]);
      expect(byEmail.json().evaluation.progress).toBe(0);
    });

    it('saves pathways with versions; only designers (owner, admin, issuer) change them', async () => {
      const created = await org.owner.request('POST', url('pathways'), pathwayBody());
      expect(created.statusCode, created.body).toBe(201);
      pathwayId = created.json().id as string;
      expect(created.json()).toMatchObject({ version: 1, status: 'draft', autoIssue: true, revocationPolicy: 'review', achievementUrl: achievementUrl(course.target) });
      expect(created.json().definition.target).toEqual({ achievementId: achievementUrl(course.target), issuerId: expect.stringMatching(/^did:/) });
      const published = await org.owner.request('PUT', url(`pathways/${pathwayId}`), pathwayBody({ status: 'published', description: 'Two courses, ten ECTS.' }));
      expect(published.statusCode, published.body).toBe(200);
      expect(published.json().version).toBe(2);
      const got = await org.owner.request('GET', url(`pathways/${pathwayId}`));
      expect(got.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect((await org.owner.request('GET', url('pathways'))).json().items).toHaveLength(1);
      const added = await inviteMember(t.app, org.owner, org.organisationId, { email: 'registrar@uni.test', role: 'registrar', password: 'member-password-1' });
      expect(added.statusCode).toBe(200);
      const registrar = await login(t.app, 'registrar@uni.test', 'member-password-1');
      expect((await registrar.request('PUT', url(`pathways/${pathwayId}`), pathwayBody())).statusCode).toBe(403);
      expect((await registrar.request('GET', url(`pathways/${pathwayId}`))).statusCode).toBe(200);
      const audit = await t.runtime.store.db.selectFrom('audit_log').select('action').where('target_id', '=', pathwayId).execute();
      expect(audit.map((a) => a.action).sort()).toEqual(['pathway.create', 'pathway.update']);
    });

    it('keeps a list of trusted issuers', async () => {
      const added = await org.owner.request('POST', url('trusted-issuers'), { issuerId: 'did:web:partner.example', name: 'Partner University' });
      expect(added.statusCode, added.body).toBe(201);
      expect((await org.owner.request('POST', url('trusted-issuers'), { issuerId: 'did:web:partner.example', name: 'Again' })).statusCode).toBe(409);
      expect((await org.owner.request('POST', url('trusted-issuers'), { issuerId: 'partner', name: 'Bad' })).statusCode).toBe(422);
      expect((await org.owner.request('GET', url('trusted-issuers'))).json().items.map((i: { issuerId: string }) => i.issuerId)).toEqual(['did:web:partner.example']);
      // With the trust list, the organisation's own issuers count too: the sample still completes.
      const checked = await org.owner.request('POST', url('pathway-checks'), { rules: rules(), useTrustList: true, sample: { achievementIds: [achievementUrl(course.stats), achievementUrl(course.ml)] } });
      expect(checked.json().evaluation.complete).toBe(true);
      expect((await org.owner.request('DELETE', url(`trusted-issuers/${added.json().id as string}`))).statusCode).toBe(204);
      expect((await org.owner.request('GET', url('trusted-issuers'))).json().items).toEqual([]);
    });

    it('lists the catalogue and the published pathways to signed-in users only', async () => {
      const catalogue = await learner.request('GET', '/api/v1/catalogue/achievements?q=machine');
      expect(catalogue.statusCode, catalogue.body).toBe(200);
      expect(catalogue.json().items).toEqual([expect.objectContaining({ name: 'Machine Learning', achievementUrl: achievementUrl(course.ml), creditsEcts: 5, eqfLevel: 5, organisationName: 'University of Testing' })]);
      expect((await t.app.inject('/api/v1/catalogue/achievements')).statusCode).toBe(401);
      const published = await learner.request('GET', '/api/v1/pathways');
      expect(published.json().items).toEqual([expect.objectContaining({ id: pathwayId, name: 'Data Science Certificate', requirementsCount: 2 })]);
    });

    it('recomputes progress in the background when a claim changes the wallet, and says what to take next', async () => {
      expect((await learner.request('GET', '/api/v1/wallet/pathways')).json().items).toEqual([]);
      issuedStats = await issueAndClaim(course.stats);
      const db = t.runtime.store.db;
      const queued = await db.selectFrom('jobs').select('payload').where('kind', '=', 'pathway.progress').where('status', '=', 'queued').execute();
      expect(queued.map((job) => JSON.parse(job.payload) as unknown)).toEqual([{ userId: learner.userId }]);
      expect(await runner.drain()).toBeGreaterThanOrEqual(1);
      // The job stored the progress (the learner's page only reads it).
      const stored = await db.selectFrom('pathway_progress').select(['progress_permille', 'complete']).where('user_id', '=', learner.userId).execute();
      expect(stored).toEqual([{ progress_permille: 500, complete: 0 }]);
      const mine = await learner.request('GET', '/api/v1/wallet/pathways');
      expect(mine.statusCode, mine.body).toBe(200);
      const [progress] = mine.json().items as { pathwayId: string; progress: number; complete: boolean; creditsCounted: number; evaluation: { requirements: { assigned: string[] }[] } }[];
      expect(progress).toMatchObject({ pathwayId, complete: false, creditsCounted: 5 });
      expect(progress!.progress).toBeCloseTo(0.5);
      const detail = await learner.request('GET', `/api/v1/wallet/pathways/${pathwayId}`);
      expect(detail.statusCode, detail.body).toBe(200);
      expect(detail.json().plan.feasible).toBe(true);
      expect(detail.json().plan.achievements.map((a: { achievementName: string }) => a.achievementName)).toEqual(['Machine Learning']);
      const plan = await learner.request('POST', '/api/v1/wallet/plans', { target: { pathwayId }, objective: 'credits' });
      expect(plan.statusCode, plan.body).toBe(200);
      expect(plan.json()).toMatchObject({ objective: 'credits', cost: 5, feasible: true });
    });

    it('issues the stacked credential on completion, naming its constituents, verified by the reference library', async () => {
      const hook = await org.owner.request('POST', url('webhooks'), { url: 'http://127.0.0.1:9/pathways', events: ['pathway.completed'] });
      expect(hook.statusCode, hook.body).toBe(201);
      await issueAndClaim(course.ml);
      await runner.drain();
      // The completion is an event for the organisation's webhooks, queued with the award.
      const [completed] = await t.runtime.store.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', 'pathway.completed').execute();
      expect(JSON.parse(completed!.payload)).toMatchObject({ type: 'pathway.completed', data: { pathwayId, userId: learner.userId, pathwayVersion: 2 } });
      // The job issued it (before any page was read).
      expect(await t.runtime.store.db.selectFrom('pathway_awards').select('pathway_id').where('user_id', '=', learner.userId).execute()).toEqual([{ pathway_id: pathwayId }]);
      const [progress] = (await learner.request('GET', '/api/v1/wallet/pathways')).json().items as { complete: boolean; awardedCredentialId: string; awardedWalletItemId: string }[];
      expect(progress!.complete).toBe(true);
      expect(progress!.awardedWalletItemId).toEqual(expect.any(String));
      const awards = await org.owner.request('GET', url(`pathways/${pathwayId}/awards`));
      expect(awards.json().items).toEqual([expect.objectContaining({ credentialId: progress!.awardedCredentialId, pathwayVersion: 2, flagged: false })]);
      const row = await t.runtime.store.db.selectFrom('credentials').select(['document', 'achievement_id']).where('id', '=', progress!.awardedCredentialId).executeTakeFirstOrThrow();
      expect(row.achievement_id).toBe(course.target);
      const credential = JSON.parse(row.document) as JsonObject;
      // The stacked credential conforms to the official OB 3.0 schema and the EU extension schema.
      expectOb3Conformant(credential, TEST_PUBLIC_URL);
      const evidence = credential.evidence as JsonObject[];
      expect(evidence.map((e) => e.name).sort()).toEqual(['Machine Learning', 'Statistics I']);
      expect(evidence.every((e) => typeof e.id === 'string' && (e.id as string).startsWith(`${TEST_PUBLIC_URL}/credentials/`))).toBe(true);
      const related = credential.relatedResource as JsonObject[];
      // The EU context at this instance, then the two constituents.
      expect(related).toHaveLength(3);
      expect(related[0]!.id).toBe(`${TEST_PUBLIC_URL}/contexts/eu/v1`);
      expect(related.every((r) => /^sha384-/.test(r.digestSRI as string))).toBe(true);
      expect((credential.credentialSubject as JsonObject).creditsEarned).toBe(10);
      const ours = await t.runtime.ctx.engine.verify({ credential, recipient: { email: LEARNER } });
      expect(ours.checks.filter((check) => check.outcome === 'failed'), JSON.stringify(ours.checks)).toEqual([]);
      const reference = await vc.verifyCredential({
        credential, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite }), documentLoader: appDocumentLoader(t),
        checkStatus: async () => ({ verified: true }), now: clock,
      });
      expect(reference.error, JSON.stringify(reference.error)).toBeUndefined();
      expect(reference.verified).toBe(true);
      // Running again issues nothing more.
      await t.runtime.services.pathways.recompute(learner.userId);
      expect((await org.owner.request('GET', url(`pathways/${pathwayId}/awards`))).json().items).toHaveLength(1);
    });

    it("counts the stacked credential's ECTS once in the wallet's totals, not on top of the credentials it was built from", async () => {
      const items = (await learner.request('GET', '/api/v1/wallet/credentials')).json().items as { name: string; ects: number | null; status: string }[];
      const names = items.filter((item) => item.status === 'verified').map((item) => item.name).sort();
      expect(names).toEqual(['Certificate in Data Science', 'Machine Learning', 'Statistics I']);
      const totals = await learner.request('GET', '/api/v1/wallet/totals');
      expect(totals.statusCode, totals.body).toBe(200);
      // 5 + 5 ECTS of the courses are the 10 ECTS of the certificate: 10 in all, not 20.
      expect(totals.json()).toMatchObject({ credentials: 3, ects: 10, inStacked: 2 });
      expect(totals.json().byLevel.reduce((sum: number, level: { ects: number }) => sum + level.ects, 0)).toBe(10);
      // The wallet export's summary counts them the same way.
      const exported = await learner.request('GET', '/api/v1/wallet/export');
      expect(exported.statusCode).toBe(200);
      const summary = JSON.parse(new TextDecoder().decode(unzipSync(new Uint8Array(exported.rawPayload))['summary.json']));
      expect(summary.totals).toMatchObject({ verified: 3, ects: 10 });
    });

    it("exports the learner's CLR with each constituent isPartOf the stacked achievement, valid against the CLR 2.0 schema", async () => {
      const response = await org.owner.request('GET', url(`clr?email=${encodeURIComponent(LEARNER)}`));
      expect(response.statusCode, response.body).toBe(200);
      const clr = response.json() as JsonObject;
      expect(validateClr(clr), JSON.stringify(validateClr.errors)).toBe(true);
      const subject = clr.credentialSubject as JsonObject;
      expect(subject.association).toEqual([
        { type: 'Association', associationType: 'isPartOf', sourceId: achievementUrl(course.ml), targetId: achievementUrl(course.target) },
        { type: 'Association', associationType: 'isPartOf', sourceId: achievementUrl(course.stats), targetId: achievementUrl(course.target) },
      ].sort((a, b) => a.sourceId.localeCompare(b.sourceId)));
      const ours = await t.runtime.ctx.engine.verify({ credential: clr, recipient: { email: LEARNER } });
      expect(ours.checks.filter((check) => check.outcome === 'failed'), JSON.stringify(ours.checks)).toEqual([]);
    });

    it('counts a credential imported from another issuer when the organisation trusts it, and not a look-alike from a stranger', async () => {
      const partner = generateDidKey(new Uint8Array(32).fill(11));
      const stranger = generateDidKey(new Uint8Array(32).fill(12));
      const external = JSON.parse(readFileSync(new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url), 'utf8')) as JsonObject & { id: string; name: string };
      const signedBy = async (key: typeof partner, id: string) => (await createReferenceIssuer(key)).sign(buildAchievementCredential({
        achievement: external, issuer: { id: key.controller, type: ['Profile'], name: key === partner ? 'Universidad de Ejemplo' : 'Diploma Mill' },
        recipient: { email: LEARNER, salt: 'pepper' }, id, validFrom: new Date('2026-03-01T09:00:00Z'), version: '2.0',
      }), clock);
      expect((await org.owner.request('POST', url('trusted-issuers'), { issuerId: partner.controller, name: 'Universidad de Ejemplo' })).statusCode).toBe(201);
      const created = await org.owner.request('POST', url('pathways'), {
        name: 'Applied Data Analysis', achievementId: course.target, status: 'published', autoIssue: false, useTrustList: true,
        rules: { requirements: [{ id: 'python', label: 'Python at a partner', kind: 'allOf', achievements: [external.id] }, { id: 'ml', kind: 'allOf', achievements: [achievementUrl(course.ml)] }] },
      });
      expect(created.statusCode, created.body).toBe(201);
      const crossId = created.json().id as string;
      const forged = await learner.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(await signedBy(stranger, 'urn:uuid:5a0b7a5e-0000-4000-8000-000000000001')) });
      expect(forged.statusCode, forged.body).toBe(201);
      await runner.drain();
      let detail = await learner.request('GET', `/api/v1/wallet/pathways/${crossId}`);
      expect(detail.json().complete).toBe(false);
      expect(JSON.stringify(detail.json().evaluation.unusable)).toMatch(/trusted/i);
      const genuine = await learner.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(await signedBy(partner, 'urn:uuid:5a0b7a5e-0000-4000-8000-000000000002')) });
      expect(genuine.statusCode, genuine.body).toBe(201);
      expect(genuine.json().item.status).toBe('verified');
      await runner.drain();
      const stored = await t.runtime.store.db.selectFrom('pathway_progress').select('complete').where('user_id', '=', learner.userId).where('pathway_id', '=', crossId).executeTakeFirstOrThrow();
      expect(stored.complete).toBe(1);
      detail = await learner.request('GET', `/api/v1/wallet/pathways/${crossId}`);
      expect(detail.json().evaluation.requirements[0].assigned).toEqual([genuine.json().item.id]);
    });

    it('flags the award when a constituent is revoked; policy "suspend" cannot suspend an award issued without a suspension entry, so the flag waits for the issuer', async () => {
      const policy = await org.owner.request('PUT', url(`pathways/${pathwayId}`), pathwayBody({ status: 'published', revocationPolicy: 'suspend' }));
      expect(policy.statusCode, policy.body).toBe(200);
      await runner.drain();
      const revoked = await org.owner.request('POST', `/api/v1/credentials/${issuedStats}/revoke`, { reason: 'Exam misconduct found later' });
      expect(revoked.statusCode, revoked.body).toBe(200);
      await runner.drain();
      const flags = await org.owner.request('GET', url('pathway-flags?status=open'));
      expect(flags.statusCode, flags.body).toBe(200);
      const [flag] = flags.json().items as { id: string; awardCredentialId: string; constituentName: string; action: string }[];
      // Awarded under policy "review", with one status entry (OB 3.0 conformant): it stays active, the flag open.
      expect(flag).toMatchObject({ constituentName: 'Statistics I', action: null, awardSuspendable: false });
      expect((await org.owner.request('GET', `/api/v1/credentials/${flag!.awardCredentialId}`)).json()).toMatchObject({ status: 'active', suspendable: false });
      const refused = await org.owner.request('POST', url(`pathway-flags/${flag!.id}/resolution`), { action: 'suspend', reason: 'Pending review' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().detail).toMatch(/suspension is not enabled/);
      const progress = ((await learner.request('GET', '/api/v1/wallet/pathways')).json().items as { pathwayId: string; complete: boolean }[]).find((p) => p.pathwayId === pathwayId);
      expect(progress!.complete).toBe(false);
      const kept = await org.owner.request('POST', url(`pathway-flags/${flag!.id}/resolution`), { action: 'keep', reason: 'Retaken and passed under supervision' });
      expect(kept.statusCode, kept.body).toBe(200);
      expect(kept.json()).toMatchObject({ status: 'resolved', action: 'kept' });
      expect((await org.owner.request('GET', `/api/v1/credentials/${flag!.awardCredentialId}`)).json().status).toBe('active');
      expect((await org.owner.request('POST', url(`pathway-flags/${flag!.id}/resolution`), { action: 'revoke', reason: 'again' })).statusCode).toBe(409);
      // The same revocation does not flag twice.
      await t.runtime.services.pathways.recompute(learner.userId);
      expect((await org.owner.request('GET', url('pathway-flags'))).json().items).toHaveLength(1);
    });

    it('plans toward a programme through its recognition agreements: the catalogue achievement it would recognise', async () => {
      const deep = (await t.runtime.services.achievements.create(SYSTEM, org.organisationId, {
        issuerId: org.issuerId, ...MICRO_CREDENTIAL, name: 'Deep Learning', eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: 6 },
      })).id;
      const programme = await org.owner.request('POST', url('programmes'), { name: 'MSc AI', totalCredits: 60, modules: [{ id: 'DL', name: 'Deep learning', credits: 6 }] });
      expect(programme.statusCode, programme.body).toBe(201);
      const agreement = await org.owner.request('POST', url('recognition-agreements'), { programmeId: programme.json().id, moduleId: 'DL', credits: 6, match: { achievementId: achievementUrl(deep) } });
      expect(agreement.statusCode, agreement.body).toBe(201);
      const plan = await learner.request('POST', '/api/v1/wallet/plans', { target: { programmeId: programme.json().id }, objective: 'credits' });
      expect(plan.statusCode, plan.body).toBe(200);
      expect(plan.json().achievements.map((a: { achievementName: string }) => a.achievementName)).toEqual(['Deep Learning']);
      expect(plan.json().feasible).toBe(true);
      expect((await learner.request('POST', '/api/v1/wallet/plans', { target: { programmeId: '00000000-0000-4000-8000-000000000000' } })).statusCode).toBe(404);
    });

    it("shows a learner only their own progress; API keys and anonymous callers get none", async () => {
      const other = await signUpAndSignIn(t.app, { email: 'max@learner.test', password: 'learner-password-1' });
      const max = sessionFrom(t.app, other);
      expect((await max.request('GET', '/api/v1/wallet/pathways')).json().items).toEqual([]);
      const detail = await max.request('GET', `/api/v1/wallet/pathways/${pathwayId}`);
      expect(detail.json()).toMatchObject({ progress: 0, awardedCredentialId: null });
      expect(detail.body).not.toContain(LEARNER);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/wallet/pathways', headers: bearer(apiKey) })).statusCode).toBe(403);
      expect((await t.app.inject('/api/v1/wallet/pathways')).statusCode).toBe(401);
      expect((await max.request('PUT', `/api/v1/wallet/pathways/${pathwayId}`)).statusCode).toBe(204);
      expect((await max.request('GET', '/api/v1/wallet/pathways')).json().items).toEqual([expect.objectContaining({ pathwayId, following: true, progress: 0 })]);
      expect((await max.request('GET', '/api/v1/wallet/pathways/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });
  });
}
