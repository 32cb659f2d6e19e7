/**
 * Issue 10, "Verifiable everywhere": what a running microcred issues verifies in verifiers that know
 * nothing of it, as they behave on the internet (test/support/independent-verifiers.ts): the
 * digitalbazaar stack with only the standard contexts and a fetcher that reaches only the issuing
 * instance, and the DCC's @digitalcredentials/verifier-core.
 *
 * The instance runs for real over HTTPS on 127.0.0.1 (self-signed certificate trusted by this test's
 * clients only), so its issuers are did:web:127.0.0.1%3A<port>:issuers:… and everything a verifier
 * reads (DID documents, status lists, contexts) is fetched from it over TLS. Through its HTTP API it
 * issues the four kinds of credential the platform makes: an EU micro-credential, a stacked credential
 * (a pathway's completion, issued by the job runner), a recognition credential (a registrar's decision)
 * and an RPL award (an assessor's decision). Each verifier must accept each, refuse a copy with one
 * claimed value changed, and refuse (or report revoked) each once revoked through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/vc/types.ts';
import { MICRO_CREDENTIAL } from '../http/credentials-fixture.ts';
import { DIALECTS, warnIfPostgresSkipped } from '../support/db.ts';
import { createInstanceFetch, httpsApi, startHttpsInstance, type HttpsInstance, type HttpsSession } from '../support/https-instance.ts';
import { standardContextsLoader, verifyWithDigitalBazaar, verifyWithVerifierCore, type Outcome } from '../support/independent-verifiers.ts';
import { readStandard } from '../support/standards.ts';
import { OPENSSL, requireTools } from '../support/tools.ts';

warnIfPostgresSkipped();

const KINDS = ['EU micro-credential', 'stacked credential', 'recognition credential', 'RPL award'] as const;
type Kind = (typeof KINDS)[number];
const VERIFIERS = ['@digitalbazaar/vc', 'verifier-core'] as const; // verifier-core runs as in VerifierPlus: in a browser page of another origin
type Verifier = (typeof VERIFIERS)[number];
type Case = 'verified' | 'tampered' | 'revoked';

const LEARNER = { email: 'lin@learner.test', password: 'learner-password-1', name: 'Lin Chen' };

/**
 * The official OB 3.0 JSON Schemas verifier-core downloads from purl.imsglobal.org to report (not to
 * decide) schema conformance: served from the bundled copies, since tests never reach the internet.
 */
const OB_SCHEMA_FIXTURES = new Map(['ob_v3p0_achievementcredential_schema.json', 'ob_v3p0_endorsementcredential_schema.json'].map((file) => [
  `https://purl.imsglobal.org/spec/ob/v3p0/schema/json/${file}`, { body: readStandard(`schemas/ob-v3p0/${file}`), contentType: 'application/json' },
]));

const noOpenssl = requireTools('the interop suite against independent verifiers', [OPENSSL]);

for (const dialect of DIALECTS) {
  describe.skipIf(noOpenssl !== undefined)(`credentials of a running instance in independent verifiers (${dialect})`, () => {
    let instance: HttpsInstance;
    const credentials = new Map<Kind, { id: string; document: JsonObject }>();
    /** Revokes one of them through the API (set up with the owner's session in beforeAll). */
    let revoke: (kind: Kind) => Promise<void>;
    const table = new Map<string, string>();
    /** A cell of the table: what the verifier said, and "WRONG" where the test expects otherwise. */
    const record = (kind: Kind, verifier: Verifier, which: Case, outcome: Outcome) => {
      const said = outcome.accepted ? 'verified' : outcome.revoked ? 'revoked' : outcome.proofValid ? `rejected: ${outcome.reason}` : `invalid: ${outcome.reason}`;
      const right = which === 'verified' ? outcome.accepted : which === 'tampered' ? !outcome.accepted && !outcome.proofValid : outcome.revoked && !outcome.accepted;
      table.set(`${kind}|${verifier}|${which}`, right ? said : `WRONG ${said}`);
      if (outcome.schema !== undefined && which === 'verified') table.set(`${kind}|${verifier}|schema`, outcome.schema);
    };

    beforeAll(async () => {
      instance = await startHttpsInstance(dialect);
      const db = instance.server.runtime.store.db;
      const api = httpsApi(instance, createInstanceFetch({ origin: instance.origin, ca: instance.ca }).fetch);
      const expectStatus = (answer: { status: number; text: string }, status: number) => expect(answer.status, answer.text).toBe(status);

      // The issuing organisation and its achievements, defined through the API.
      const org = await api.setUp('University of Testing', 'owner@uni.test', 'owner-password-1');
      const owner = org.owner;
      const orgUrl = (path: string) => `/api/v1/organisations/${org.organisationId}/${path}`;
      expectStatus(await owner.request('PATCH', `/api/v1/issuers/${org.issuerId}`, { country: 'FR' }), 200);
      const define = async (body: JsonObject) => {
        const answer = await owner.request('POST', orgUrl('achievements'), { issuerId: org.issuerId, ...body });
        expectStatus(answer, 201);
        return (answer.json as { id: string }).id;
      };
      const micro = await define({ ...MICRO_CREDENTIAL, eu: { ...MICRO_CREDENTIAL.eu } });
      const stats = await define({ ...MICRO_CREDENTIAL, name: 'Statistics I', eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: 5 } });
      const ml = await define({ ...MICRO_CREDENTIAL, name: 'Machine Learning', eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: 5 } });
      const certificate = await define({ ...MICRO_CREDENTIAL, name: 'Certificate in Data Science', eu: { ...MICRO_CREDENTIAL.eu, creditsAvailable: 10 } });
      const recognised = await define({ name: 'Recognised prior learning', description: 'Credits recognised from prior learning.', criteria: 'A registrar decision.', achievementType: 'Badge' });
      const achievementUrl = (id: string) => `${instance.origin}/achievements/${id}`;

      // The learner signs up, confirms the address (mail read from the development outbox) and signs in.
      expectStatus(await api.post('/api/v1/auth/signup', LEARNER), 202);
      const welcome = await db.selectFrom('outbox').select('text_body').where('to_address', '=', LEARNER.email).executeTakeFirstOrThrow();
      expectStatus(await api.post('/api/v1/auth/confirm-email', { token: /\/confirm-email\/([A-Za-z0-9_-]+)/.exec(welcome.text_body)![1] }), 200);
      const learner: HttpsSession = await api.signIn(LEARNER.email, LEARNER.password);
      const publicDocument = async (id: string) => {
        const answer = await api.get(`/credentials/${id}`);
        expectStatus(answer, 200);
        return answer.json as JsonObject;
      };
      /** Issued to the learner, then added to the wallet as a learner does with a file. */
      const issueToLearner = async (achievementId: string) => {
        const issued = await owner.request('POST', orgUrl('credentials'), { achievementId, recipient: { email: LEARNER.email, name: LEARNER.name } });
        expectStatus(issued, 201);
        const id = (issued.json as { id: string }).id;
        const document = await publicDocument(id);
        const added = await learner.request('POST', '/api/v1/wallet/credentials', { text: JSON.stringify(document) });
        expectStatus(added, 201);
        return { id, document, walletId: (added.json as { item: { id: string } }).item.id };
      };

      // 1. An EU micro-credential.
      const eu = await issueToLearner(micro);
      credentials.set('EU micro-credential', eu);

      // 2. A stacked credential: a published pathway of two courses, completed; the job runner issues it.
      const pathway = await owner.request('POST', orgUrl('pathways'), {
        name: 'Data Science Certificate', achievementId: certificate, status: 'published',
        rules: { requirements: [{ id: 'core', label: 'Core courses', kind: 'allOf', achievements: [achievementUrl(stats), achievementUrl(ml)] }] },
      });
      expectStatus(pathway, 201);
      await issueToLearner(stats);
      await issueToLearner(ml);
      let awarded: string | undefined;
      for (let attempt = 0; attempt < 300 && !awarded; attempt++) {
        const progress = (await learner.request('GET', '/api/v1/wallet/pathways')).json as { items: { awardedCredentialId?: string | null }[] };
        awarded = progress.items.find((item) => item.awardedCredentialId)?.awardedCredentialId ?? undefined;
        if (!awarded) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(awarded, 'the job runner issued the stacked credential').toBeTruthy();
      credentials.set('stacked credential', { id: awarded!, document: await publicDocument(awarded!) });

      // 3. A recognition credential: a programme with an agreement that counts the micro-credential; approved.
      const programme = await owner.request('POST', orgUrl('programmes'), {
        name: 'BSc Data', achievementId: recognised, totalCredits: 60, maxRecognisedCredits: 30, modules: [{ id: 'DATA', name: 'Data handling', credits: 5 }],
      });
      expectStatus(programme, 201);
      const programmeId = (programme.json as { id: string }).id;
      const microIri = ((eu.document.credentialSubject as JsonObject).achievement as JsonObject).id as string;
      expectStatus(await owner.request('POST', orgUrl('recognition-agreements'), {
        programmeId, moduleId: 'DATA', credits: 5, match: { issuerId: org.issuerDid, achievementId: microIri }, conditions: { minEqfLevel: 5 },
      }), 201);
      const asked = await learner.request('POST', '/api/v1/wallet/recognition-requests', { programmeId, credentialIds: [eu.walletId] });
      expectStatus(asked, 201);
      const decided = await owner.request('POST', orgUrl(`recognition-requests/${(asked.json as { id: string }).id}/decisions`), {
        decisions: [{ credentialKey: eu.walletId, action: 'approve' }],
      });
      expectStatus(decided, 200);
      const recognitionId = (decided.json as { issuedCredentialId: string | null }).issuedCredentialId;
      expect(recognitionId, decided.text).toBeTruthy();
      credentials.set('recognition credential', { id: recognitionId!, document: await publicDocument(recognitionId!) });

      // 4. An RPL award: evidence for each learning outcome, accepted by an assessor (the owner may assess).
      const opened = await learner.request('POST', '/api/v1/wallet/rpl-cases', { achievementId: micro });
      expectStatus(opened, 201);
      const rplCase = opened.json as { id: string; outcomes: { id: string }[] };
      for (const outcome of rplCase.outcomes) {
        expectStatus(await learner.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/evidence`, { outcomeId: outcome.id, evidence: { kind: 'narrative', text: 'I do this every week at work.' } }), 200);
      }
      expectStatus(await learner.request('POST', `/api/v1/wallet/rpl-cases/${rplCase.id}/submission`), 200);
      for (const outcome of rplCase.outcomes) {
        expectStatus(await owner.request('POST', orgUrl(`rpl-cases/${rplCase.id}/reviews`), { outcomeId: outcome.id, action: 'accept' }), 200);
      }
      const award = await owner.request('POST', orgUrl(`rpl-cases/${rplCase.id}/decision`), {});
      expectStatus(award, 200);
      const rplId = (award.json as { issuedCredentialId: string | null }).issuedCredentialId;
      expect(rplId, award.text).toBeTruthy();
      credentials.set('RPL award', { id: rplId!, document: await publicDocument(rplId!) });

      // Revocation goes through the API; the verifiers then read the republished status lists.
      revoke = async (kind) => expectStatus(await owner.request('POST', `/api/v1/credentials/${credentials.get(kind)!.id}/revoke`, { reason: 'Issued in error' }), 200);
    }, 120_000);

    afterAll(async () => {
      await instance?.close();
      if (table.size === 0) return;
      const cell = (kind: Kind, verifier: Verifier, which: Case | 'schema') => table.get(`${kind}|${verifier}|${which}`) ?? (which === 'schema' ? '-' : 'not run');
      const rows = KINDS.flatMap((kind) => VERIFIERS.map((verifier) => [kind, verifier, cell(kind, verifier, 'verified'), cell(kind, verifier, 'tampered'), cell(kind, verifier, 'revoked'), cell(kind, verifier, 'schema')]));
      // The last column is verifier-core's own report against the official OB 3.0 JSON Schema: advisory, not asserted here.
      const header = ['credential', 'verifier', 'as issued', 'tampered copy', 'after revocation', 'OB 3.0 schema (advisory)'];
      const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => Math.min(row[column]!.length, 64))));
      const line = (cells: string[]) => `| ${cells.map((text, column) => text.slice(0, 64).padEnd(widths[column]!)).join(' | ')} |`;
      console.log([`Independent verifiers (${dialect}), instance over https on 127.0.0.1:`, line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
    });

    /**
     * verifier-core's fetch: as in VerifierPlus, a page of another origin, so the instance's answers
     * must pass the browser's CORS checks (its HTTP client sends Cache-Control and Pragma: a preflight).
     */
    const browserFetch = () => createInstanceFetch({ origin: instance.origin, ca: instance.ca, fixtures: OB_SCHEMA_FIXTURES, browserOrigin: 'https://verifierplus.org' });

    /** One claimed value changed: the achievement's name. */
    function tampered(document: JsonObject): JsonObject {
      const copy = structuredClone(document);
      const subject = copy.credentialSubject as JsonObject;
      const achievement = subject.achievement as JsonObject;
      achievement.name = `${String(achievement.name)} with distinction`;
      return copy;
    }

    it('the harness holds the verifiers to the instance: another host is not reached, a read without CORS is not seen by the page', async () => {
      const { document } = credentials.get('recognition credential')!;
      const elsewhere = { ...document, '@context': [...(document['@context'] as string[]), 'https://contexts.example/vocab/v1'] };
      const fetchFor1 = createInstanceFetch({ origin: instance.origin, ca: instance.ca });
      const fetchFor2 = browserFetch();
      const one = await verifyWithDigitalBazaar(elsewhere, standardContextsLoader(fetchFor1.fetch));
      const two = await verifyWithVerifierCore(elsewhere, fetchFor2);
      expect(one).toMatchObject({ accepted: false, reason: expect.stringContaining('could not load https://contexts.example/vocab/v1') });
      expect(two).toMatchObject({ accepted: false, reason: expect.stringContaining('could not load https://contexts.example/vocab/v1') });
      expect(new Set([...fetchFor1.refused, ...fetchFor2.refused])).toEqual(new Set(['https://contexts.example/vocab/v1']));
      // The console API answers same-origin only: a page of another origin gets a network error.
      const page = browserFetch();
      await expect(page.fetch(`${instance.origin}/api/v1/me`)).rejects.toThrow(/Failed to fetch/);
      expect(page.refused).toEqual([`${instance.origin}/api/v1/me`]);
    });

    for (const kind of KINDS) {
      it(`${kind}: both verify it as issued (status read as not revoked) and reject a tampered copy`, async () => {
        const { document } = credentials.get(kind)!;
        const fetchFor1 = createInstanceFetch({ origin: instance.origin, ca: instance.ca });
        const loader = standardContextsLoader(fetchFor1.fetch);
        const fetchFor2 = browserFetch();
        const outcomes: [Verifier, Case, Outcome][] = [
          ['@digitalbazaar/vc', 'verified', await verifyWithDigitalBazaar(document, loader)],
          ['@digitalbazaar/vc', 'tampered', await verifyWithDigitalBazaar(tampered(document), loader)],
          ['verifier-core', 'verified', await verifyWithVerifierCore(document, fetchFor2)],
          ['verifier-core', 'tampered', await verifyWithVerifierCore(tampered(document), browserFetch())],
        ];
        for (const [verifier, which, outcome] of outcomes) record(kind, verifier, which, outcome);
        for (const [verifier, which, outcome] of outcomes) {
          if (which === 'verified') {
            expect(outcome, `${verifier} on the ${kind}: ${outcome.reason}`).toMatchObject({ accepted: true, proofValid: true, revoked: false });
          } else {
            expect(outcome, `${verifier} on a tampered ${kind}`).toMatchObject({ accepted: false, proofValid: false });
          }
        }
        // Both read the DID document and the status lists from the instance, and nothing elsewhere.
        expect(fetchFor1.refused).toEqual([]);
        expect(fetchFor1.requested.some((url) => url.endsWith('/did.json'))).toBe(true);
        expect(fetchFor1.requested.some((url) => url.includes('/status/'))).toBe(true);
        expect(fetchFor2.refused).toEqual([]);
        expect(fetchFor2.requested.some((url) => url.includes('/status/'))).toBe(true);
      }, 60_000);
    }

    for (const kind of KINDS) {
      it(`${kind}: once revoked through the API, both refuse it or report it revoked`, async () => {
        await revoke(kind);
        const { document } = credentials.get(kind)!;
        const one = await verifyWithDigitalBazaar(document, standardContextsLoader(createInstanceFetch({ origin: instance.origin, ca: instance.ca }).fetch));
        const two = await verifyWithVerifierCore(document, browserFetch());
        record(kind, '@digitalbazaar/vc', 'revoked', one);
        record(kind, 'verifier-core', 'revoked', two);
        // The proof still holds: the status, read from the republished list, is what refuses it.
        expect(one, `@digitalbazaar/vc on the revoked ${kind}: ${one.reason}`).toMatchObject({ accepted: false, proofValid: true, revoked: true });
        expect(two, `verifier-core on the revoked ${kind}: ${two.reason}`).toMatchObject({ accepted: false, proofValid: true, revoked: true });
      }, 60_000);
    }
  });
}
