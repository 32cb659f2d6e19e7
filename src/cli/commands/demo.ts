import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bakePng, extractFromPng } from '../../vc/baking/index.ts';
import { createEngine } from '../../vc/engine.ts';
import { createAchievementIssuer } from '../../vc/issue.ts';
import { generateDidKey } from '../../vc/did/did-key.ts';
import { signerFromMultikey } from '../../vc/keys/ed25519.ts';
import type { AchievementInput } from '../../vc/credential/build.ts';
import { drawBadgePng } from '../demo/badge-image.ts';
import { print, printJson } from '../output.ts';
import { formatReport } from './verify.ts';
import type { Command } from './types.ts';

const ACHIEVEMENT = new URL('../demo/achievement.json', import.meta.url);

export const demo: Command = {
  name: 'demo',
  summary: 'show the engine at work: make a key, issue a micro-credential, bake it into a PNG, verify it',
  help: `Usage: microcred demo [--json]

Runs offline, in memory: generates an Ed25519 did:key, issues an EU micro-credential (Open Badges 3.0,
eddsa-rdfc-2022) to a sample learner, bakes it into a PNG badge, extracts it again and verifies it,
then prints every check. Writes no files. (npm start runs this until the server exists.)`,
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const key = generateDidKey();
    const engine = createEngine();
    const achievement = JSON.parse(await readFile(ACHIEVEMENT, 'utf8')) as AchievementInput;
    const issuer = createAchievementIssuer({
      engine,
      signer: signerFromMultikey(key),
      achievement,
      issuer: { id: key.controller, type: ['Profile'], name: 'Universidad de Ejemplo', url: 'https://uni.example.eu', address: { type: ['Address'], addressCountry: 'Spain', addressCountryCode: 'ES' } },
    });
    const credential = await issuer.issue({ recipient: 'ana.garcia@example.org', name: 'Ana García', grade: 'B', creditsEarned: 5 }, { id: `urn:uuid:${randomUUID()}`, now: new Date() });
    const baked = bakePng({ image: drawBadgePng(), credential });
    const extracted = extractFromPng(baked);
    if (!extracted?.ok || extracted.kind !== 'ob3') throw new Error('the baked badge could not be read back');
    const result = await engine.verify({ credential: extracted.credential, recipient: { email: 'ana.garcia@example.org' } });

    if (values.json) {
      printJson(io, { issuer: key.controller, credential, bakedPngBytes: baked.length, verification: result });
      return result.verified ? 0 : 1;
    }
    print(io, [
      'microcred demo — the credential engine, offline',
      '',
      `1. Generated an Ed25519 signing key: ${key.controller}`,
      `2. Issued "${achievement.name}" to ana.garcia@example.org (stored as a salted hash)`,
      `   as an Open Badges 3.0 credential signed with eddsa-rdfc-2022 (${JSON.stringify(credential).length} bytes).`,
      `3. Baked it into a PNG badge (${baked.length} bytes, iTXt chunk "openbadgecredential") and read it back.`,
      '4. Verified it, checking the recipient too:',
      '',
      formatReport({ ...result, standard: 'Open Badges 3.0' }),
      '',
      'Next: `npx microcred --help`, or try `npx microcred keys generate --out key.json`.',
    ].join('\n'));
    return result.verified ? 0 : 1;
  },
};
