import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDuration } from '../../src/services/achievements/duration.ts';
import { EU_CONTEXT_DIGEST_SRI } from '../../src/vc/contexts/index.ts';
import { buildAchievementCredential } from '../../src/vc/credential/build.ts';
import { generateDidKey } from '../../src/vc/did/did-key.ts';
import { signerFromMultikey } from '../../src/vc/keys/ed25519.ts';
import { TINY_SVG, tinyPng } from '../fixtures/images/tiny-png.ts';
import { bearer, createOrganisation, createTestApp, login, setUpOrganisation, type Session, type SetUpOrganisation, type TestApp, inviteMember } from '../support/app.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';

warnIfPostgresSkipped();

const ESCO_PYTHON = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';
// Named at the instance (PUBLIC_URL), pinned by digest (docs/eu-elements.md).
const EU_CONTEXT = 'https://issuer.test/contexts/eu/v1';

function definition(issuerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    issuerId,
    name: 'Introduction to Data Analysis with Python',
    description: 'A six-week online course on cleaning, exploring and visualising data.',
    criteria: 'Pass the final online examination and submit the course project.',
    achievementType: 'MicroCredential',
    eu: {
      creditsAvailable: 5,
      eqfLevel: 6,
      learningOutcome: ['Load, clean and reshape tabular data with pandas.', 'Produce clear charts with matplotlib.'],
      assessmentType: ['online-exam', 'project'],
      participationForm: 'online',
      qualityAssurance: ['accredited-institution', 'internal'],
      prerequisites: 'Secondary-school mathematics.',
      supervision: 'supervised-online-id',
      integration: 'stackable',
      stackableTowards: ['https://uni.example.eu/achievements/certificate-applied-data-science'],
      furtherInformation: 'About 125 hours of study.',
    },
    alignments: [{ targetUrl: ESCO_PYTHON, targetName: 'Python (computer programming)', targetFramework: 'ESCO' }],
    resultDescriptions: [{ name: 'ECTS grade', resultType: 'LetterGrade', allowedValue: ['A', 'B', 'C', 'D', 'E', 'F'], requiredValue: 'E' }],
    validityPeriod: 'P2Y',
    ...overrides,
  };
}

function pointers(response: LightMyRequestResponse): string[] {
  return (response.json() as { errors?: { pointer: string }[] }).errors?.map((e) => e.pointer).sort() ?? [];
}

function upload(session: Session | undefined, app: TestApp['app'], id: string, contentType: string, body: Uint8Array | string) {
  return app.inject({
    method: 'POST', url: `/api/v1/achievements/${id}/image`,
    headers: { 'content-type': contentType, ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}) },
    payload: Buffer.from(body),
  });
}

for (const dialect of DIALECTS) {
  describe(`achievements (micro-credential definitions) over HTTP (${dialect})`, () => {
    let t: TestApp;
    let org: SetUpOrganisation;
    let viewer: Session;
    let issuerMember: Session;
    let other: Awaited<ReturnType<typeof createOrganisation>>;
    let achievementId: string;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      org = await setUpOrganisation(t.app);
      for (const [email, role] of [['viewer@uni.test', 'viewer'], ['issuer@uni.test', 'issuer']] as const) {
        const added = await inviteMember(t.app, org.owner, org.organisationId, { email, role, password: 'member-password-1' });
        expect(added.statusCode).toBe(200);
      }
      viewer = await login(t.app, 'viewer@uni.test', 'member-password-1');
      issuerMember = await login(t.app, 'issuer@uni.test', 'member-password-1');
      other = await createOrganisation(t, 'Other Academy', 'owner@other.test');
    });
    afterAll(async () => {
      await t.close();
    });

    it('creates a micro-credential with the EU elements as version 1, readable in the console and publicly as OB 3.0', async () => {
      const created = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId));
      expect(created.statusCode).toBe(201);
      const view = created.json();
      achievementId = view.id;
      expect(view).toMatchObject({
        organisationId: org.organisationId, issuerId: org.issuerId, version: 1, currentVersion: 1, achievementType: 'MicroCredential',
        name: 'Introduction to Data Analysis with Python', imageUrl: null, archivedAt: null, validityPeriod: 'P2Y',
        url: `https://issuer.test/achievements/${view.id}`,
        eu: { creditsAvailable: 5, eqfLevel: 6, participationForm: 'online', assessmentType: ['online-exam', 'project'] },
        alignments: [{ targetUrl: ESCO_PYTHON, targetName: 'Python (computer programming)', targetFramework: 'ESCO' }],
      });

      const got = await org.owner.request('GET', `/api/v1/achievements/${achievementId}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(view);
      const list = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/achievements`);
      expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([achievementId]);

      const published = await t.app.inject({ method: 'GET', url: `/achievements/${achievementId}` });
      expect(published.statusCode).toBe(200);
      expect(published.headers['cache-control']).toContain('public');
      const document = published.json();
      expect(document['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', EU_CONTEXT]);
      expect(document.relatedResource).toEqual([{ id: EU_CONTEXT, digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' }]);
      expect(document).toMatchObject({
        id: `https://issuer.test/achievements/${achievementId}`, type: ['Achievement'], achievementType: 'MicroCredential', version: '1',
        criteria: { narrative: 'Pass the final online examination and submit the course project.' }, creditsAvailable: 5,
        participationForm: 'online', qualityAssurance: ['accredited-institution', 'internal'], integration: 'stackable',
        creator: { id: org.issuerDid, type: ['Profile'] },
      });
      expect(document.alignment).toEqual([
        { type: ['Alignment'], targetName: 'EQF level 6', targetFramework: 'European Qualifications Framework', targetCode: '6', targetType: 'ext:EQFLevel', targetUrl: 'http://data.europa.eu/snb/eqf/6' },
        { type: ['Alignment'], targetName: 'Python (computer programming)', targetUrl: ESCO_PYTHON, targetFramework: 'ESCO', targetType: 'ext:ESCOSkill' },
      ]);
      expect(document.resultDescription[0]).toMatchObject({ id: `https://issuer.test/achievements/${achievementId}#result-1`, resultType: 'LetterGrade', requiredValue: 'E' });

      const audit = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/audit`);
      expect(audit.json().items.some((e: { action: string; targetId: string }) => e.action === 'achievement.create' && e.targetId === achievementId)).toBe(true);
    });

    it('requires every mandatory EU element of a MicroCredential, each named by its pointer', async () => {
      const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { eu: { learningOutcome: [], assessmentType: [] } }));
      expect(response.statusCode).toBe(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(pointers(response)).toEqual(['/eu/assessmentType', '/eu/creditsAvailable', '/eu/learningOutcome', '/eu/participationForm', '/eu/qualityAssurance']);
      const noEu = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { eu: undefined }));
      expect(noEu.statusCode).toBe(422);
      expect(pointers(noEu)).toContain('/eu/creditsAvailable');
    });

    it('refuses ECTS with three decimals, negative ECTS, EQF 9, unknown codes, bad ESCO URIs and bad durations, one error each', async () => {
      const base = definition(org.issuerId) as { eu: Record<string, unknown> };
      const cases: [Record<string, unknown>, string[]][] = [
        [{ eu: { ...base.eu, creditsAvailable: 2.505 } }, ['/eu/creditsAvailable']],
        [{ eu: { ...base.eu, creditsAvailable: -1 } }, ['/eu/creditsAvailable']],
        [{ eu: { ...base.eu, eqfLevel: 9 } }, ['/eu/eqfLevel']],
        [{ eu: { ...base.eu, eqfLevel: 0 } }, ['/eu/eqfLevel']],
        [{ eu: { ...base.eu, assessmentType: ['exam', 'telepathy'] } }, ['/eu/assessmentType/1']],
        [{ eu: { ...base.eu, participationForm: 'by-post' } }, ['/eu/participationForm']],
        [{ eu: { ...base.eu, qualityAssurance: ['self-certified'] } }, ['/eu/qualityAssurance/0']],
        [{ eu: { ...base.eu, supervision: 'cameras' } }, ['/eu/supervision']],
        [{ eu: { ...base.eu, integration: 'stand-alone' } }, ['/eu/integration']],
        [{ alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/not-a-uuid', targetName: 'Python', targetFramework: 'ESCO' }] }, ['/alignments/0/targetUrl']],
        [{ alignments: [{ targetUrl: 'https://esco.example/skill/1', targetName: 'Python', targetFramework: 'ESCO' }] }, ['/alignments/0/targetUrl']],
        [{ alignments: [{ targetUrl: 'ftp://skills.example/1', targetName: 'Python', targetFramework: 'Local' }] }, ['/alignments/0/targetUrl']],
        [{ alignments: [{ targetUrl: 'http://data.europa.eu/snb/eqf/6', targetName: 'EQF 6', targetFramework: 'EQF', targetCode: '6' }] }, ['/alignments/0']],
        [{ validityPeriod: '2 years' }, ['/validityPeriod']],
        [{ validityPeriod: 'P0D' }, ['/validityPeriod']],
        [{ achievementType: 'Gizmo' }, ['/achievementType']],
        [{ description: '  ' }, ['/description']],
        [{ image: 'javascript:alert(1)' }, ['/image']],
        [{ resultDescriptions: [{ name: 'Grade', resultType: 'Vibes' }] }, ['/resultDescriptions/0/resultType']],
      ];
      for (const [overrides, expected] of cases) {
        const response = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, overrides));
        expect(response.statusCode, JSON.stringify(overrides)).toBe(422);
        expect(pointers(response), JSON.stringify(overrides)).toEqual(expected);
      }
      // Durations the contract names are accepted.
      for (const validityPeriod of ['P1Y', 'P6M', 'P30D', 'P1Y6M', 'PT12H']) {
        const ok = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements/preview`, definition(org.issuerId, { validityPeriod }));
        expect(ok.statusCode, validityPeriod).toBe(200);
      }
    });

    it('refuses an issuer of another organisation (422 /issuerId) and unknown properties (400)', async () => {
      const foreign = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(other.issuerId));
      expect(foreign.statusCode).toBe(422);
      expect(pointers(foreign)).toEqual(['/issuerId']);
      const unknown = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { colour: 'red' }));
      expect(unknown.statusCode).toBe(400);
      expect(pointers(unknown)).toEqual(['/colour']);
      const unknownEu = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { eu: { ectsCredits: 5 } }));
      expect(unknownEu.statusCode).toBe(400);
      expect(pointers(unknownEu)).toEqual(['/eu/ectsCredits']);
    });

    it('lets other achievement types leave the EU elements out, but still checks those given', async () => {
      const course = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { achievementType: 'Course', eu: { learningOutcome: [], assessmentType: [] }, alignments: [], resultDescriptions: undefined, validityPeriod: undefined }));
      expect(course.statusCode).toBe(201);
      expect(course.json().eu).toEqual({});
      const published = (await t.app.inject(`/achievements/${course.json().id}`)).json();
      expect(published['@context']).not.toContain(EU_CONTEXT);
      const wrong = await org.owner.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { achievementType: 'Course', eu: { participationForm: 'by-post', creditsAvailable: 1.234 } }));
      expect(wrong.statusCode).toBe(422);
      expect(pointers(wrong)).toEqual(['/eu/creditsAvailable', '/eu/participationForm']);
      // Clean up so later list assertions see only the micro-credential.
      expect((await org.owner.request('POST', `/api/v1/achievements/${course.json().id}/archive`)).statusCode).toBe(200);
    });

    it('each edit is a new version; old versions stay readable in the console and publicly', async () => {
      const edited = await org.owner.request('PUT', `/api/v1/achievements/${achievementId}`, definition(org.issuerId, { name: 'Data Analysis with Python', eu: { ...(definition('') as { eu: object }).eu, creditsAvailable: 6 } }));
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({ id: achievementId, version: 2, currentVersion: 2, name: 'Data Analysis with Python', eu: { creditsAvailable: 6 } });
      const bad = await org.owner.request('PUT', `/api/v1/achievements/${achievementId}`, definition(org.issuerId, { eu: { creditsAvailable: 6.001 } }));
      expect(bad.statusCode).toBe(422);

      const v1 = await org.owner.request('GET', `/api/v1/achievements/${achievementId}?version=1`);
      expect(v1.json()).toMatchObject({ version: 1, currentVersion: 2, name: 'Introduction to Data Analysis with Python', eu: { creditsAvailable: 5 } });
      expect((await org.owner.request('GET', `/api/v1/achievements/${achievementId}?version=3`)).statusCode).toBe(404);
      const versions = await org.owner.request('GET', `/api/v1/achievements/${achievementId}/versions`);
      expect(versions.json().items.map((v: { version: number; name: string; createdBy: string }) => [v.version, v.name, v.createdBy])).toEqual([
        [2, 'Data Analysis with Python', org.owner.userId],
        [1, 'Introduction to Data Analysis with Python', org.owner.userId],
      ]);
      const publicV1 = await t.app.inject(`/achievements/${achievementId}?version=1`);
      expect(publicV1.json()).toMatchObject({ name: 'Introduction to Data Analysis with Python', version: '1', creditsAvailable: 5 });
      expect((await t.app.inject(`/achievements/${achievementId}`)).json()).toMatchObject({ name: 'Data Analysis with Python', version: '2', creditsAvailable: 6 });
      expect((await t.app.inject(`/achievements/${achievementId}?version=9`)).statusCode).toBe(404);

      const { getVersion, toOb3Achievement } = t.runtime.services.achievements;
      const old = await getVersion(achievementId, 1);
      expect(old.version).toBe(1);
      expect(toOb3Achievement(achievementId, old.version, old.definition)).toMatchObject({ name: 'Introduction to Data Analysis with Python', creditsAvailable: 5 });
      expect((await getVersion(achievementId)).version).toBe(2);
      await expect(getVersion('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/not found/);
    });

    it('previews the unsigned credential a definition produces, with the expiry from its validity period', async () => {
      const response = await viewer.request('POST', `/api/v1/organisations/${org.organisationId}/achievements/preview`, definition(org.issuerId));
      expect(response.statusCode).toBe(200);
      const { credential } = response.json();
      expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(credential['@context']).toContain(EU_CONTEXT);
      expect(credential.relatedResource).toEqual([{ id: EU_CONTEXT, digestSRI: EU_CONTEXT_DIGEST_SRI, mediaType: 'application/ld+json' }]);
      expect(credential.proof).toBeUndefined();
      expect(credential.issuer).toMatchObject({ id: org.issuerDid, name: 'University of Testing' });
      expect(credential.credentialSubject.achievement).toMatchObject({ name: 'Introduction to Data Analysis with Python', creditsAvailable: 5, participationForm: 'online' });
      expect(credential.credentialSubject.identifier[0]).toMatchObject({ hashed: true, identityType: 'emailAddress' });
      const from = new Date(credential.validFrom);
      expect(credential.validUntil).toBe(addDuration(from, 'P2Y').toISOString().replace(/\.\d{3}Z$/, 'Z'));
      const invalid = await viewer.request('POST', `/api/v1/organisations/${org.organisationId}/achievements/preview`, definition(org.issuerId, { eu: { creditsAvailable: 1.111 } }));
      expect(invalid.statusCode).toBe(422);
      expect(pointers(invalid)).toContain('/eu/creditsAvailable');
      // Nothing was saved by previewing.
      expect((await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/achievements`)).json().items).toHaveLength(1);
    });

    it('embeds an OB 3.0 Achievement that signs and verifies (structure and JSON-LD safe mode)', async () => {
      const { getVersion, toOb3Achievement } = t.runtime.services.achievements;
      const { version, definition: stored } = await getVersion(achievementId);
      const achievement = toOb3Achievement(achievementId, version, stored);
      const key = generateDidKey();
      const credential = buildAchievementCredential({
        id: 'urn:uuid:6f1c1d46-8c0a-4a4b-9d3e-2f0d8f1b9a10',
        achievement,
        issuer: { id: key.controller, name: 'University of Testing', address: { addressCountryCode: 'FR' } },
        recipient: { email: 'learner@example.org' },
        result: { grade: 'B' },
        validFrom: new Date('2026-01-01T00:00:00Z'),
      });
      const signed = await t.runtime.ctx.engine.sign({ credential, signer: signerFromMultikey(key) });
      const result = await t.runtime.ctx.engine.verify({ credential: signed, now: new Date('2026-06-01T00:00:00Z') });
      const failed = result.checks.filter((c) => c.outcome !== 'passed' && c.outcome !== 'skipped');
      expect(failed, JSON.stringify(failed)).toEqual([]);
      expect(result.verified).toBe(true);
      expect(result.checks.map((c) => c.check)).toEqual(expect.arrayContaining(['structure', 'proof']));
      expect(JSON.stringify(result)).not.toMatch(/undefined term|issuer-dependent/i);
      // The control: the same embedding with a term no context defines is caught, so the pass above means something.
      const stray = buildAchievementCredential({ ...{ id: 'urn:uuid:6f1c1d46-8c0a-4a4b-9d3e-2f0d8f1b9a11', issuer: { id: key.controller }, recipient: { email: 'learner@example.org' }, validFrom: new Date('2026-01-01T00:00:00Z') }, achievement: { ...achievement, strayTerm: 'x' } });
      const strayResult = await t.runtime.ctx.engine.sign({ credential: stray, signer: signerFromMultikey(key) })
        .then(async (document) => (await t.runtime.ctx.engine.verify({ credential: document, now: new Date('2026-06-01T00:00:00Z') })).verified, () => false);
      expect(strayResult).toBe(false);
    });

    it('uploads a PNG image and serves it publicly with cache headers; the definition gets a new version pointing to it', async () => {
      const png = tinyPng();
      const response = await upload(issuerMember, t.app, achievementId, 'image/png', png);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ version: 3, imageUrl: `https://issuer.test/achievements/${achievementId}/image`, removed: [] });
      const image = await t.app.inject(`/achievements/${achievementId}/image`);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['cache-control']).toContain('public');
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(new Uint8Array(image.rawPayload)).toEqual(png);
      const etag = String(image.headers.etag);
      expect((await t.app.inject({ url: `/achievements/${achievementId}/image`, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
      expect((await t.app.inject(`/achievements/${achievementId}`)).json().image).toEqual({ id: `https://issuer.test/achievements/${achievementId}/image`, type: 'Image' });
      // An edit that says nothing about the image keeps it.
      const edited = await org.owner.request('PUT', `/api/v1/achievements/${achievementId}`, definition(org.issuerId, { name: 'Data Analysis with Python' }));
      expect(edited.json()).toMatchObject({ version: 4, imageUrl: `https://issuer.test/achievements/${achievementId}/image` });
    });

    it('sanitises an uploaded SVG (script, handlers, external and javascript: links go; the drawing stays) and serves it under a strict CSP', async () => {
      const hostile = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10" onload="alert(1)">'
        + '<script>alert(document.cookie)</script><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/></body></foreignObject>'
        + '<a xlink:href="javascript:alert(1)"><rect width="10" height="10" fill="#0a0" onclick="steal()"/></a>'
        + '<image href="https://tracker.example/pixel.png" width="1" height="1"/><use href="#r"/><circle id="r" r="2" style="fill:url(https://evil.example/x)"/></svg>';
      const response = await upload(org.owner, t.app, achievementId, 'image/svg+xml', hostile);
      expect(response.statusCode).toBe(200);
      expect(response.json().removed.length).toBeGreaterThanOrEqual(6);
      const image = await t.app.inject(`/achievements/${achievementId}/image`);
      expect(image.headers['content-type']).toContain('image/svg+xml');
      expect(image.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      const svg = image.body;
      for (const bad of ['<script', 'alert', 'foreignObject', 'iframe', 'onload', 'onclick', 'javascript:', 'tracker.example', 'evil.example']) expect(svg).not.toContain(bad);
      expect(svg).toContain('<rect width="10" height="10" fill="#0a0"/>');
      expect(svg).toContain('<use href="#r"/>');
      // A plain SVG passes unchanged in substance.
      const plain = await upload(org.owner, t.app, achievementId, 'image/svg+xml', TINY_SVG);
      expect(plain.json().removed).toEqual([]);
      expect((await t.app.inject(`/achievements/${achievementId}/image`)).body).toContain('<rect width="10" height="10" fill="#0a0"/>');
    });

    it('refuses images that are not what they claim, too large, of other types, or with a DTD', async () => {
      const fake = await upload(org.owner, t.app, achievementId, 'image/png', 'GIF89a not a png at all');
      expect(fake.statusCode).toBe(422);
      expect(fake.json().detail).toMatch(/not a PNG/);
      const truncated = await upload(org.owner, t.app, achievementId, 'image/png', tinyPng().subarray(0, 40));
      expect(truncated.statusCode).toBe(422);
      const doctype = await upload(org.owner, t.app, achievementId, 'image/svg+xml', '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>');
      expect(doctype.statusCode).toBe(422);
      expect(doctype.json().detail).toMatch(/DOCTYPE or ENTITY/);
      const notSvg = await upload(org.owner, t.app, achievementId, 'image/svg+xml', '<html><body>hi</body></html>');
      expect(notSvg.statusCode).toBe(422);
      const big = new Uint8Array(600 * 1024);
      big.set(tinyPng());
      expect((await upload(org.owner, t.app, achievementId, 'image/png', big)).statusCode).toBe(413);
      expect((await upload(org.owner, t.app, achievementId, 'image/gif', 'GIF89a')).statusCode).toBe(415);
      const json = await org.owner.request('POST', `/api/v1/achievements/${achievementId}/image`, { image: 'x' });
      expect(json.statusCode).toBe(400);
      // None of these changed the stored image or added a version.
      expect((await org.owner.request('GET', `/api/v1/achievements/${achievementId}`)).json().version).toBe(6);
      expect((await t.app.inject('/achievements/00000000-0000-4000-8000-000000000000/image')).statusCode).toBe(404);
    });

    it('roles: a viewer reads but cannot write (403); an issuer member can create', async () => {
      for (const url of [`/api/v1/organisations/${org.organisationId}/achievements`, `/api/v1/achievements/${achievementId}`, `/api/v1/achievements/${achievementId}/versions`]) {
        expect((await viewer.request('GET', url)).statusCode, url).toBe(200);
      }
      expect((await viewer.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId))).statusCode).toBe(403);
      expect((await viewer.request('PUT', `/api/v1/achievements/${achievementId}`, definition(org.issuerId))).statusCode).toBe(403);
      expect((await viewer.request('POST', `/api/v1/achievements/${achievementId}/archive`)).statusCode).toBe(403);
      expect((await upload(viewer, t.app, achievementId, 'image/png', tinyPng())).statusCode).toBe(403);
      const created = await issuerMember.request('POST', `/api/v1/organisations/${org.organisationId}/achievements`, definition(org.issuerId, { name: 'Statistics for Data Science' }));
      expect(created.statusCode).toBe(201);
      expect((await issuerMember.request('POST', `/api/v1/achievements/${created.json().id}/archive`)).statusCode).toBe(200);
    });

    it('tenant isolation: another organisation and anonymous callers get 404/401 and no data, on every endpoint', async () => {
      const orgUrl = `/api/v1/organisations/${org.organisationId}`;
      const calls: [method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown][] = [
        ['GET', `${orgUrl}/achievements`],
        ['POST', `${orgUrl}/achievements`, definition(other.issuerId)],
        ['POST', `${orgUrl}/achievements/preview`, definition(org.issuerId)],
        ['GET', `/api/v1/achievements/${achievementId}`],
        ['GET', `/api/v1/achievements/${achievementId}?version=1`],
        ['PUT', `/api/v1/achievements/${achievementId}`, definition(other.issuerId)],
        ['POST', `/api/v1/achievements/${achievementId}/archive`],
        ['GET', `/api/v1/achievements/${achievementId}/versions`],
      ];
      for (const [method, url, body] of calls) {
        const stranger = await other.owner.request(method, url, body);
        expect(stranger.statusCode, `${method} ${url}`).toBe(404);
        expect(stranger.body).not.toContain('Data Analysis');
        const key = await t.app.inject({ method, url, headers: { ...bearer(other.apiKey), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
        expect(key.statusCode, `key ${method} ${url}`).toBe(404);
        const anonymous = await t.app.inject({ method, url, ...(body ? { payload: body as object } : {}) });
        expect(anonymous.statusCode, `anonymous ${method} ${url}`).toBe(401);
        expect(anonymous.body).not.toContain('Data Analysis');
      }
      expect((await upload(other.owner, t.app, achievementId, 'image/png', tinyPng())).statusCode).toBe(404);
      expect((await upload(undefined, t.app, achievementId, 'image/png', tinyPng())).statusCode).toBe(401);
      // The other organisation's own list is empty, and nothing above changed ours.
      expect((await other.owner.request('GET', `/api/v1/organisations/${other.organisationId}/achievements`)).json().items).toEqual([]);
      expect((await org.owner.request('GET', `/api/v1/achievements/${achievementId}`)).json()).toMatchObject({ version: 6, archivedAt: null });
    });

    it('documents every achievement endpoint in the OpenAPI document', async () => {
      const docs = await t.app.inject('/docs/json');
      expect(docs.statusCode).toBe(200);
      const paths = Object.keys(docs.json().paths);
      for (const path of ['/api/v1/organisations/{orgId}/achievements', '/api/v1/organisations/{orgId}/achievements/preview', '/api/v1/achievements/{id}',
        '/api/v1/achievements/{id}/archive', '/api/v1/achievements/{id}/versions', '/api/v1/achievements/{id}/image', '/achievements/{id}', '/achievements/{id}/image']) {
        expect(paths, path).toContain(path);
      }
      expect(Object.keys(docs.json().paths['/api/v1/achievements/{id}/image'].post.requestBody.content).sort()).toEqual(['image/png', 'image/svg+xml']);
    });

    it('archives: no more edits or images (409), hidden from the list unless asked, still readable and published', async () => {
      const archived = await org.owner.request('POST', `/api/v1/achievements/${achievementId}/archive`);
      expect(archived.statusCode).toBe(200);
      expect(archived.json().archivedAt).toEqual(expect.any(String));
      expect((await org.owner.request('POST', `/api/v1/achievements/${achievementId}/archive`)).json().archivedAt).toBe(archived.json().archivedAt);
      expect((await org.owner.request('PUT', `/api/v1/achievements/${achievementId}`, definition(org.issuerId))).statusCode).toBe(409);
      expect((await upload(org.owner, t.app, achievementId, 'image/png', tinyPng())).statusCode).toBe(409);
      const listed = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/achievements`);
      expect(listed.json().items).toEqual([]);
      const all = await org.owner.request('GET', `/api/v1/organisations/${org.organisationId}/achievements?includeArchived=true`);
      expect(all.json().items.map((a: { id: string }) => a.id)).toContain(achievementId);
      expect(all.json().items).toHaveLength(3);
      expect((await org.owner.request('GET', `/api/v1/achievements/${achievementId}`)).statusCode).toBe(200);
      expect((await t.app.inject(`/achievements/${achievementId}`)).statusCode).toBe(200);
      expect((await t.app.inject(`/achievements/${achievementId}/image`)).statusCode).toBe(200);
      const { achievement } = await t.runtime.services.achievements.getVersion(achievementId);
      expect(achievement.archived_at).toBe(archived.json().archivedAt);
      expect((await t.app.inject('/achievements/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
      expect((await t.app.inject('/achievements/not-a-uuid')).statusCode).toBe(400);
    });
  });
}
