/**
 * Pathways at the service, on SQLite: the `pathway.progress` job's work for one learner holding 1,000
 * credentials against 1,000 published pathways (read the wallet, read and compile the pathways,
 * evaluate, store 1,000 progress rows), then the learner's list over HTTP. Printed beside the pure
 * engine's time for the same evaluation in the same run, so the service's own cost shows. No
 * reference library evaluates pathways, so there is no outside figure for this work.
 *
 * Run: npm run bench:pathways     (BENCH_PATHWAYS_N=N sets both counts)
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEvaluator, compilePathway } from '../src/domain/stacking/index.ts';
import { SYSTEM } from '../src/services/access.ts';
import { heldCredentialsOf } from '../src/services/wallet/held.ts';
import type { NewRow } from '../src/store/schema.ts';
import { MICRO_CREDENTIAL } from '../test/http/credentials-fixture.ts';
import { createTestApp, sessionFrom, setUpOrganisation } from '../test/support/app.ts';

const N = Number(process.env.BENCH_PATHWAYS_N ?? 1000);
const RUNS = 5;
const EQF = 'http://data.europa.eu/snb/eqf/';

let seed = 20261205;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const ISSUERS = Array.from({ length: 40 }, (_, i) => `did:web:issuer${i}.example`);
const FIELDS = Array.from({ length: 20 }, (_, i) => `Field ${i}`);
const SKILLS = Array.from({ length: 400 }, (_, i) => `http://data.europa.eu/esco/skill/s${i}`);
const ACHIEVEMENTS = Array.from({ length: 3000 }, (_, i) => `https://courses.example/achievements/${i}`);

function credential(n: number, now: Date): unknown {
  const achievement = ACHIEVEMENTS[int(0, ACHIEVEMENTS.length - 1)]!;
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`, type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: ISSUERS[n % ISSUERS.length], type: ['Profile'], name: `Issuer ${n % ISSUERS.length}` },
    validFrom: new Date(now.getTime() - int(0, 4 * 365) * 86_400_000).toISOString(),
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: achievement, type: ['Achievement'], name: `Course ${n}`, creditsAvailable: int(1, 10), fieldOfStudy: FIELDS[n % FIELDS.length],
        alignment: [
          { type: ['Alignment'], targetType: 'ext:EQF', targetName: `EQF level ${int(4, 7)}`, targetUrl: `${EQF}${int(4, 7)}`, targetFramework: 'European Qualifications Framework' },
          { type: ['Alignment'], targetName: 'skill', targetUrl: SKILLS[int(0, SKILLS.length - 1)] },
        ],
      },
    },
  };
}

function rules(): unknown {
  const field = FIELDS[int(0, FIELDS.length - 1)]!;
  const first = int(0, ACHIEVEMENTS.length - 1);
  const second = (first + int(1, ACHIEVEMENTS.length - 1)) % ACHIEVEMENTS.length;
  return {
    requirements: [
      { id: 'core', kind: 'allOf', achievements: [ACHIEVEMENTS[first], ACHIEVEMENTS[second]] },
      { id: 'field', kind: 'atLeastN', n: int(2, 4), from: { fieldsOfStudy: [field] } },
      { id: 'credits', kind: 'atLeastCredits', credits: int(10, 30), from: { fieldsOfStudy: [field] }, allowSharing: true },
      { id: 'level', kind: 'minEqfLevel', level: int(5, 7), count: 2, allowSharing: true },
      { id: 'skills', kind: 'outcomes', outcomes: [SKILLS[int(0, SKILLS.length - 1)]] },
    ],
    ...(rand() < 0.3 ? { trustedIssuers: ISSUERS.slice(0, 20), maxAge: 'P3Y' } : {}),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const testApp = await createTestApp('sqlite');
const { app, runtime } = testApp;
const { services } = runtime;
const db = runtime.store.db;
try {
  const org = await setUpOrganisation(app);
  const target = await services.achievements.create(SYSTEM, org.organisationId, { issuerId: org.issuerId, ...MICRO_CREDENTIAL });
  const signup = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'learner@bench.test', password: 'bench-password-1' } });
  const learner = sessionFrom(app, signup);
  const now = new Date();
  for (let offset = 0; offset < N; offset += 250) {
    const rows: NewRow<'wallet_credentials'>[] = Array.from({ length: Math.min(250, N - offset) }, (_, i) => {
      const text = JSON.stringify(credential(offset + i, now));
      return {
        id: randomUUID(), user_id: learner.userId, source: 'upload', source_url: null, issued_credential_id: null, original_type: 'application/json', original: text,
        format: 'ldp', standard: 'Open Badges 3.0', document: text, credential_key: `urn:uuid:${randomUUID()}`, proof_key: null, name: `Course ${offset + i}`,
        description: null, issuer_id: null, issuer_name: null, image: null, issued_at: now.toISOString(), valid_until: null, ects_centi: null, eqf_level: null,
        field: null, skills: null, search_text: '', status: (offset + i) % 17 === 0 ? 'revoked' : 'verified', verification: '{}', verified_at: now.toISOString(), added_at: now.toISOString(),
      };
    });
    await db.insertInto('wallet_credentials').values(rows).execute();
  }
  for (let offset = 0; offset < N; offset += 250) {
    const rows: NewRow<'pathways'>[] = Array.from({ length: Math.min(250, N - offset) }, (_, i) => ({
      id: randomUUID(), organisation_id: org.organisationId, name: `Pathway ${offset + i}`, description: null, status: 'published', version: 1,
      achievement_id: target.id, auto_issue: 0, revocation_policy: 'review', use_trust_list: 0, rules: JSON.stringify(rules()), created_at: now.toISOString(), updated_at: now.toISOString(),
    }));
    await db.insertInto('pathways').values(rows).execute();
  }

  // The engine alone, on the same data: index the credentials and evaluate every (compiled) pathway.
  const held = await heldCredentialsOf(db, learner.userId);
  const pathwayRows = await db.selectFrom('pathways').selectAll().execute();
  const compiled = pathwayRows.map((row) => compilePathway({ id: row.id, version: 1, name: row.name, ...(JSON.parse(row.rules) as object) } as Parameters<typeof compilePathway>[0]));
  const engine: number[] = [];
  let complete = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const evaluator = createEvaluator(held, { asOf: now.toISOString() });
    complete = compiled.map((pathway) => evaluator.evaluate(pathway)).filter((result) => result.complete).length;
    engine.push(performance.now() - start);
  }

  const job: number[] = [];
  let kept = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await services.pathways.recompute(learner.userId);
    job.push(performance.now() - start);
    kept = (await db.selectFrom('pathway_progress').select('pathway_id').where('user_id', '=', learner.userId).execute()).length;
  }

  const list: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const response = await learner.request('GET', '/api/v1/wallet/pathways');
    list.push(performance.now() - start);
    bytes = response.body.length;
    if (response.statusCode !== 200) throw new Error(`list ${response.statusCode}`);
  }

  console.log(`Pathways at the service (SQLite): a learner holding ${held.length} readable credentials × ${N} published pathways (median of ${RUNS})`);
  console.log(`  engine alone (index + evaluate, compiled):            ${median(engine).toFixed(1)} ms   (${complete} complete)`);
  console.log(`  pathway.progress job (read, compile, evaluate, store): ${median(job).toFixed(1)} ms   (first run ${job[0]!.toFixed(1)} ms; ${kept} progress rows kept)`);
  console.log(`  GET /api/v1/wallet/pathways over HTTP:                 ${median(list).toFixed(1)} ms   (${(bytes / 1024).toFixed(0)} KiB)`);
  console.log(`  machine load average ${loadavg()[0]!.toFixed(2)}`);
} finally {
  await testApp.close();
}
