import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { drawBadgePng, drawBadgeSvg } from '../../src/cli/demo/badge-image.ts';
import { matchesIdentity } from '../../src/vc/credential/identity.ts';
import { createEngine } from '../../src/vc/engine.ts';
import { signerFromMultikey, type Ed25519Multikey } from '../../src/vc/keys/ed25519.ts';
import { StatusBitstring } from '../../src/vc/status/bitstring.ts';
import { buildStatusListCredential } from '../../src/vc/status/status-list-credential.ts';
import type { Fetcher } from '../../src/vc/types.ts';
import { run, tempDir } from './helpers.ts';

const ACHIEVEMENT = new URL('../fixtures/achievements/data-science-microcredential.json', import.meta.url);

let dir: string;
let did: string;

beforeAll(async () => {
  dir = await tempDir();
  await copyFile(ACHIEVEMENT, join(dir, 'achievement.json'));
  const result = await run(['keys', 'generate', '--out', 'key.json'], { cwd: dir });
  expect(result.code).toBe(0);
  did = result.stdout.trim();
});

describe('microcred keys generate', () => {
  it('writes a private key file only its owner can read, and prints the DID', async () => {
    expect(did).toMatch(/^did:key:z6Mk/);
    const key = JSON.parse(await readFile(join(dir, 'key.json'), 'utf8'));
    expect(key.controller).toBe(did);
    expect(key.secretKeyMultibase).toMatch(/^z/);
    expect((await stat(join(dir, 'key.json'))).mode & 0o777).toBe(0o600);
  });
  it('refuses to overwrite a key', async () => {
    const again = await run(['keys', 'generate', '--out', 'key.json'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});

describe('did:web issuers', () => {
  it('issues with a did:web key; verifies offline with the saved DID document, and says what is missing without it', async () => {
    const did = 'did:web:uni.example.eu:issuers:7';
    const generated = await run(['keys', 'generate', '--out', 'web-key.json', '--did', did], { cwd: dir });
    expect(generated.stdout.trim()).toBe(did);
    expect((await run(['keys', 'did-document', '--key', 'web-key.json', '--out', 'did.json'], { cwd: dir })).stderr).toMatch(/https:\/\/uni\.example\.eu\/issuers\/7\/did\.json/);
    const document = JSON.parse(await readFile(join(dir, 'did.json'), 'utf8'));
    expect(document.id).toBe(did);
    expect(JSON.stringify(document)).not.toMatch(/secretKey/);
    await run(['issue', '--key', 'web-key.json', '--achievement', 'achievement.json', '--recipient', 'gil@example.org', '--out', 'web-cred.json'], { cwd: dir });

    const ok = await run(['verify', 'web-cred.json', '--offline', '--resolve', `${did}=did.json`], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/DID document of did:web:uni\.example\.eu:issuers:7/);
    const viaUrl = await run(['verify', 'web-cred.json', '--offline', '--resolve', 'https://uni.example.eu/issuers/7/did.json=did.json'], { cwd: dir });
    expect(viaUrl.code).toBe(0);
    const missing = await run(['verify', 'web-cred.json', '--offline'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/--resolve/);
    expect((await run(['keys', 'generate', '--out', 'x-key.json', '--did', 'did:example:nope'], { cwd: dir })).code).toBe(2);
  });
});

describe('microcred issue and verify', () => {
  for (const format of ['di', 'jcs', 'jwt']) {
    it(`issues a ${format} credential that verifies, and a changed copy that does not`, async () => {
      const out = `cred-${format}.txt`;
      const issued = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'alice@example.org', '--format', format, '--out', out], { cwd: dir });
      expect(issued.code, issued.stderr).toBe(0);
      const verified = await run(['verify', out, '--recipient', 'alice@example.org', '--json'], { cwd: dir });
      expect(verified.code, verified.stdout).toBe(0);
      const result = JSON.parse(verified.stdout);
      expect(result.verified).toBe(true);
      expect(result.checks.map((c: { check: string }) => c.check)).toEqual(['structure', 'subject', 'proof', 'issuer-key', 'status', 'validity', 'recipient', 'endorsements']);

      const text = await readFile(join(dir, out), 'utf8');
      const tampered = format === 'jwt'
        ? tamperJwt(text.trim())
        : text.replace('Introduction to Data Analysis', 'Advanced Data Analysis');
      await writeFile(join(dir, `tampered-${out}`), tampered);
      const bad = await run(['verify', `tampered-${out}`, '--json'], { cwd: dir });
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).checks.find((c: { check: string }) => c.check === 'proof').outcome).toBe('failed');
    });
  }

  it('prints the credential on standard output without --out, and reads it back from standard input', async () => {
    const issued = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'did:example:learner1', '--grade', 'A', '--credits', '5'], { cwd: dir });
    expect(issued.code).toBe(0);
    const credential = JSON.parse(issued.stdout);
    expect(credential.credentialSubject.id).toBe('did:example:learner1');
    expect(credential.credentialSubject.creditsEarned).toBe(5);
    const verified = await run(['verify', '-'], { cwd: dir, stdin: issued.stdout });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^VERIFIED/);
    const wrongPerson = await run(['verify', '-', '--recipient', 'did:example:someone-else'], { cwd: dir, stdin: issued.stdout });
    expect(wrongPerson.code).toBe(1);
    expect(wrongPerson.stdout).toMatch(/not issued to did:example:someone-else/);
  });

  it('refuses an EU micro-credential definition that misses mandatory elements, naming them', async () => {
    const achievement = JSON.parse(await readFile(ACHIEVEMENT, 'utf8'));
    delete achievement.assessmentType;
    achievement.creditsAvailable = 2.555;
    await writeFile(join(dir, 'bad-achievement.json'), JSON.stringify(achievement));
    const result = await run(['issue', '--key', 'key.json', '--achievement', 'bad-achievement.json', '--recipient', 'a@b.org'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/assessmentType/);
    expect(result.stderr).toMatch(/creditsAvailable/);
  });

  it('warns when an EU micro-credential lacks the issuer’s country, and records it when given', async () => {
    const without = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--out', 'eu1.json'], { cwd: dir });
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(/warning: The country of the issuer/);
    const withCountry = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--issuer-country', 'pt', '--issuer-name', 'Universidade Exemplo', '--eu-context', 'https://uni.example/contexts/eu/v1', '--out', 'eu2.json'], { cwd: dir });
    expect(withCountry.stderr).not.toMatch(/warning/);
    const credential = JSON.parse(await readFile(join(dir, 'eu2.json'), 'utf8'));
    expect(credential.issuer).toMatchObject({ name: 'Universidade Exemplo', address: { addressCountryCode: 'PT' } });
    expect((await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--issuer-country', 'XX'], { cwd: dir })).code).toBe(2);
  });

  it('names the EU context where --eu-context says it is published, pinned by its digest; warns without it', async () => {
    const without = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--issuer-country', 'PT'], { cwd: dir });
    expect(without.code).toBe(0);
    expect(without.stderr).toMatch(/warning: .*w3id\.org\/microcred\/eu\/v1.*--eu-context/);
    expect(JSON.parse(without.stdout)['@context']).toContain('https://w3id.org/microcred/eu/v1');

    const url = 'https://uni.example/contexts/eu/v1';
    const issued = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--issuer-country', 'PT', '--eu-context', url, '--out', 'eu-pinned.json'], { cwd: dir });
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stderr).not.toMatch(/warning/);
    const credential = JSON.parse(await readFile(join(dir, 'eu-pinned.json'), 'utf8'));
    expect(credential['@context']).toContain(url);
    expect(credential['@context']).not.toContain('https://w3id.org/microcred/eu/v1');
    const bytes = readFileSync(new URL('../../src/vc/contexts/microcred-eu-v1.jsonld', import.meta.url));
    expect(credential.relatedResource).toEqual([expect.objectContaining({ id: url, digestSRI: `sha384-${createHash('sha384').update(bytes).digest('base64')}` })]);
    const verified = await run(['verify', 'eu-pinned.json', '--json'], { cwd: dir });
    expect(verified.code, verified.stdout).toBe(0);

    const bad = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'e@example.org', '--eu-context', 'https://uni.example/eu.jsonld'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--eu-context .* must be an http\(s\) URL ending in \/contexts\/eu\/v1/);
  });

  it('reports usage and input errors with exit code 2', async () => {
    expect((await run(['issue', '--achievement', 'achievement.json', '--recipient', 'a@b.org'], { cwd: dir })).code).toBe(2);
    expect((await run(['issue', '--key', 'key.json', '--achievement', 'missing.json', '--recipient', 'a@b.org'], { cwd: dir })).stderr).toMatch(/no such file/);
    expect((await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'nobody'], { cwd: dir })).code).toBe(2);
    expect((await run(['issue', '--key', 'achievement.json', '--achievement', 'achievement.json', '--recipient', 'a@b.org'], { cwd: dir })).stderr).toMatch(/not a microcred key file/);
    expect((await run(['verify'], { cwd: dir })).code).toBe(2);
    expect((await run(['verify', 'nothing-here.json'], { cwd: dir })).code).toBe(2);
    expect((await run(['verify', 'x.json', '--bogus'], { cwd: dir })).code).toBe(2);
    expect((await run(['frobnicate'], { cwd: dir })).code).toBe(2);
    await writeFile(join(dir, 'garbage.json'), '{"not": "a credential"');
    expect((await run(['verify', 'garbage.json'], { cwd: dir })).code).toBe(2);
  });

  it('has --help on every command', async () => {
    for (const command of COMMANDS) {
      const result = await run([...command.name.split(' '), '--help'], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage/);
      // The listing restates each module's name and summary so that it loads none of them.
      const loaded = await command.load();
      expect({ name: loaded.name, summary: loaded.summary }).toEqual({ name: command.name, summary: command.summary });
    }
    expect((await run(['--help'], { cwd: dir })).stdout).toMatch(/keys generate/);
  });
});

describe('microcred verify: status lists and offline verification', () => {
  it('fails a revoked credential and warns, without claiming "not revoked", when the list is unreachable', async () => {
    const listUrl = 'https://status.example.edu/lists/1';
    const issued = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'bob@example.org', '--status-list', listUrl, '--status-index', '4242', '--out', 'revocable.json'], { cwd: dir });
    expect(issued.code, issued.stderr).toBe(0);

    const key = JSON.parse(await readFile(join(dir, 'key.json'), 'utf8')) as Ed25519Multikey;
    const engine = createEngine();
    const publish = async (revoked: boolean, file: string) => {
      const list = new StatusBitstring();
      if (revoked) list.set(4242, 1);
      const unsigned = buildStatusListCredential({ url: listUrl, issuer: key.controller, statusPurpose: 'revocation', list, validFrom: new Date() });
      const signed = await engine.sign({ credential: unsigned, signer: signerFromMultikey(key) });
      await writeFile(join(dir, file), JSON.stringify(signed));
    };
    await publish(false, 'list-clear.json');
    await publish(true, 'list-revoked.json');

    const clear = await run(['verify', 'revocable.json', '--offline', '--resolve', `${listUrl}=list-clear.json`, '--json'], { cwd: dir });
    expect(clear.code).toBe(0);
    expect(JSON.parse(clear.stdout).checks.find((c: { check: string }) => c.check === 'status').outcome).toBe('passed');

    const revoked = await run(['verify', 'revocable.json', '--offline', '--resolve', `${listUrl}=list-revoked.json`], { cwd: dir });
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toMatch(/revoked/i);

    const unknown = await run(['verify', 'revocable.json', '--offline', '--json'], { cwd: dir });
    expect(unknown.code).toBe(0);
    const status = JSON.parse(unknown.stdout).checks.find((c: { check: string }) => c.check === 'status');
    expect(status.outcome).toBe('warning');
    expect(status.message).toMatch(/unknown/);
    expect(status.message).not.toMatch(/not revoked/i);
  });
});

describe('microcred present and verify of presentations', () => {
  it('signs a presentation for a challenge and domain; only the same challenge and domain verify it', async () => {
    await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'dan@example.org', '--out', 'dan.json'], { cwd: dir });
    await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'dan@example.org', '--format', 'jwt', '--out', 'dan.jwt'], { cwd: dir });
    const presented = await run(['present', '--key', 'key.json', '--challenge', 'c-123', '--domain', 'admissions.example', 'dan.json', 'dan.jwt', '--out', 'vp.json'], { cwd: dir });
    expect(presented.code, presented.stderr).toBe(0);
    const ok = await run(['verify', 'vp.json', '--challenge', 'c-123', '--domain', 'admissions.example', '--json'], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.credentials).toHaveLength(2);
    expect(result.credentials.every((c: { verified: boolean }) => c.verified)).toBe(true);
    expect((await run(['verify', 'vp.json', '--challenge', 'c-124', '--domain', 'admissions.example'], { cwd: dir })).code).toBe(1);
    expect((await run(['verify', 'vp.json', '--challenge', 'c-123', '--domain', 'evil.example'], { cwd: dir })).code).toBe(1);
    expect((await run(['verify', 'vp.json'], { cwd: dir })).stderr).toMatch(/--challenge/);

    const vp = JSON.parse(await readFile(join(dir, 'vp.json'), 'utf8'));
    vp.verifiableCredential[0].name = 'Changed';
    await writeFile(join(dir, 'vp-tampered.json'), JSON.stringify(vp));
    expect((await run(['verify', 'vp-tampered.json', '--challenge', 'c-123', '--domain', 'admissions.example'], { cwd: dir })).code).toBe(1);
  });
});

describe('microcred verify: Open Badges 2.0', () => {
  it('verifies a hosted OB 2.0 assertion offline from saved documents, and reports a changed hosted copy', async () => {
    const fixtures = new URL('../fixtures/ob2/', import.meta.url);
    for (const name of ['assertion-hosted', 'badge-class', 'issuer']) await copyFile(new URL(`${name}.json`, fixtures), join(dir, `ob2-${name}.json`));
    const resolve = [
      '--resolve', 'https://issuer.example/assertions/1001.json=ob2-assertion-hosted.json',
      '--resolve', 'https://issuer.example/badges/web-basics.json=ob2-badge-class.json',
      '--resolve', 'https://issuer.example/issuer.json=ob2-issuer.json',
    ];
    const ok = await run(['verify', 'ob2-assertion-hosted.json', '--offline', ...resolve], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/Open Badges 2\.0/);
    const byUrl = await run(['verify', 'https://issuer.example/assertions/1001.json', '--offline', ...resolve, '--json'], { cwd: dir });
    expect(byUrl.code).toBe(0);
    expect(JSON.parse(byUrl.stdout).checks.find((c: { check: string }) => c.check === 'hosted').outcome).toBe('passed');

    const local = JSON.parse(await readFile(join(dir, 'ob2-assertion-hosted.json'), 'utf8'));
    // A copy that claims another recipient than the issuer's hosted assertion is refused…
    await writeFile(join(dir, 'ob2-changed.json'), JSON.stringify({ ...local, recipient: { type: 'email', hashed: false, identity: 'mallory@example.org' } }));
    const changed = await run(['verify', 'ob2-changed.json', '--offline', ...resolve], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/recipient/);
    // …and without the issuer's documents nothing can be verified offline.
    expect((await run(['verify', 'ob2-assertion-hosted.json', '--offline'], { cwd: dir })).code).toBe(1);
  });
});

describe('microcred status-list', () => {
  it('creates a list, suspends and reinstates an entry, and verify follows each change', async () => {
    const url = 'https://status.example.edu/lists/suspension-1';
    expect((await run(['status-list', 'create', '--key', 'key.json', '--url', url, '--purpose', 'suspension', '--out', 'susp.json'], { cwd: dir })).code).toBe(0);
    await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'fay@example.org', '--status-list', url, '--status-purpose', 'suspension', '--status-index', '90001', '--out', 'fay.json'], { cwd: dir });
    const verify = async () => (await run(['verify', 'fay.json', '--offline', '--resolve', `${url}=susp.json`], { cwd: dir })).code;
    expect(await verify()).toBe(0);
    const set = await run(['status-list', 'set', 'susp.json', '--key', 'key.json', '--index', '90001', '--json'], { cwd: dir });
    expect(JSON.parse(set.stdout)).toMatchObject({ index: 90001, value: 1, previous: 0 });
    expect((await run(['status-list', 'get', 'susp.json', '--index', '90001'], { cwd: dir })).stdout.trim()).toBe('1');
    expect(await verify()).toBe(1);
    await run(['status-list', 'set', 'susp.json', '--key', 'key.json', '--index', '90001', '--value', '0'], { cwd: dir });
    expect(await verify()).toBe(0);
  });

  it('refuses another issuer’s key, a bad index and a file that is not a list', async () => {
    await run(['keys', 'generate', '--out', 'other-key.json'], { cwd: dir });
    await run(['status-list', 'create', '--key', 'key.json', '--url', 'https://status.example.edu/l2', '--out', 'l2.json'], { cwd: dir });
    expect((await run(['status-list', 'set', 'l2.json', '--key', 'other-key.json', '--index', '1'], { cwd: dir })).stderr).toMatch(/not by this key/);
    expect((await run(['status-list', 'set', 'l2.json', '--key', 'key.json', '--index', '131072'], { cwd: dir })).code).toBe(2);
    expect((await run(['status-list', 'get', 'achievement.json', '--index', '1'], { cwd: dir })).stderr).toMatch(/not a BitstringStatusListCredential/);
  });
});

describe('microcred bake and unbake', () => {
  it('bakes into PNG and SVG; the baked images verify and unbake to the same credential', async () => {
    await writeFile(join(dir, 'badge.png'), drawBadgePng());
    await writeFile(join(dir, 'badge.svg'), drawBadgeSvg());
    await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'carol@example.org', '--out', 'carol.json'], { cwd: dir });
    await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--recipient', 'carol@example.org', '--format', 'jwt', '--out', 'carol.jwt'], { cwd: dir });
    for (const [credential, image] of [['carol.json', 'badge.png'], ['carol.json', 'badge.svg'], ['carol.jwt', 'badge.png'], ['carol.jwt', 'badge.svg']] as const) {
      const out = `baked-${credential}-${image}`;
      const baked = await run(['bake', '--credential', credential, '--image', image, '--out', out], { cwd: dir });
      expect(baked.code, baked.stderr).toBe(0);
      const verified = await run(['verify', out, '--recipient', 'carol@example.org'], { cwd: dir });
      expect(verified.code, verified.stdout).toBe(0);
      const unbaked = await run(['unbake', out], { cwd: dir });
      const original = (await readFile(join(dir, credential), 'utf8')).trim();
      expect(credential.endsWith('.jwt') ? unbaked.stdout.trim() : JSON.parse(unbaked.stdout)).toEqual(credential.endsWith('.jwt') ? original : JSON.parse(original));
    }
    expect((await run(['unbake', 'badge.png'], { cwd: dir })).code).toBe(2);
  });
});

describe('microcred issue --csv (offline bulk signing)', () => {
  it('signs every valid row in input order on worker threads, and reports bad rows by line', async () => {
    const rows = ['recipient,name,grade,credits'];
    for (let i = 0; i < 40; i++) rows.push(`learner${i}@example.org,Learner ${i},B,5`);
    rows.splice(6, 0, 'not-an-address,X,A,5'); // line 7
    rows.splice(12, 0, 'z@example.org,"Zed, Z",A,lots'); // line 13
    await writeFile(join(dir, 'recipients.csv'), `${rows.join('\r\n')}\r\n`);
    const result = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--csv', 'recipients.csv', '--out', 'creds.jsonl', '--workers', '2', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.issued).toBe(40);
    expect(summary.failed.map((f: { line: number }) => f.line)).toEqual([7, 13]);
    expect(result.stderr).toMatch(/line 7: .*neither an e-mail address nor a DID/);

    const lines = (await readFile(join(dir, 'creds.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(40);
    const engine = createEngine();
    for (const [index, line] of lines.entries()) {
      const credential = JSON.parse(line);
      const identity = credential.credentialSubject.identifier[0];
      expect(matchesIdentity({ identity, email: `learner${index}@example.org` })).toBe(true);
      if (index % 10 === 0) expect((await engine.verify({ credential })).verified).toBe(true);
    }
  });

  it('refuses a CSV without a recipient column', async () => {
    await writeFile(join(dir, 'nocol.csv'), 'email\na@b.org\n');
    const result = await run(['issue', '--key', 'key.json', '--achievement', 'achievement.json', '--csv', 'nocol.csv', '--out', 'x.jsonl'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/recipient/);
  });
});

describe('microcred demo', () => {
  it('issues, bakes and verifies, and says so', async () => {
    const result = await run(['demo'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/VERIFIED/);
    expect(result.stdout).toMatch(/✔ proof/);
  });
});

function tamperJwt(jwt: string): string {
  const [header, payload, signature] = jwt.split('.');
  const json = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  json.name = 'Something else';
  return [header, Buffer.from(JSON.stringify(json)).toString('base64url'), signature].join('.');
}

describe('the human report is safe to print', () => {
  it('strips terminal escape sequences and bidi overrides that a credential carries', async () => {
    const { formatReport } = await import('../../src/cli/commands/verify.ts');
    const text = formatReport({
      verified: false,
      checks: [{ check: 'proof', outcome: 'failed', message: 'bad \u001b[2J\u001b]0;owned\u0007 and \u202eevil' }],
      credential: { type: ['VerifiableCredential'], name: 'Badge\u001b[31m', issuer: { id: 'https://x.example', name: 'Uni\u009b' }, credentialSubject: {} },
    });
    for (const bad of ["\u001b", "\u0007", "\u009b", "\u202e"]) expect(text).not.toContain(bad);
    expect(text).toContain('bad [2J]0;owned and evil');
  });
});

describe('command groups and odd inputs', () => {
  it('lists a group’s commands on --help, and says what is wrong with folders, empty files and bad key files', async () => {
    const dir2 = await tempDir();
    const help = await run(['keys', '--help'], { cwd: dir2 });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/keys generate/);
    expect(help.stdout).toMatch(/keys did-document/);
    expect((await run(['status-list'], { cwd: dir2 })).code).toBe(2);
    expect((await run(['verify', '.'], { cwd: dir2 })).stderr).toMatch(/folder/);
    await writeFile(join(dir2, 'empty.json'), '');
    expect((await run(['verify', 'empty.json'], { cwd: dir2 })).stderr).toMatch(/empty/);
    expect((await run(['verify', '-'], { cwd: dir2, stdin: '' })).stderr).toMatch(/empty/);
    await writeFile(join(dir2, 'null.json'), 'null');
    const badKey = await run(['keys', 'did-document', '--key', 'null.json'], { cwd: dir2 });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/not a microcred key file/);
  });
});

describe('microcred verify: OB 2.0 recipients of every type and 410 Gone (issue 15)', () => {
  const spec = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ob2/spec/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const ASSERTION = spec('assertion.json');
  const salted = (type: string, identity: string) => ({ type, hashed: true, salt: 'deadsea', identity: `sha256$${createHash('sha256').update(`${identity}deadsea`).digest('hex')}` });
  const fetcherFor = (assertion: Record<string, unknown>, status?: number): Fetcher => async (url, options) => {
    const documents: Record<string, unknown> = { [ASSERTION.id as string]: assertion, ...Object.fromEntries(['badge-class.json', 'issuer.json'].map((name) => [spec(name).id, spec(name)])) };
    if (!(url in documents)) throw new Error('The server answered 404.');
    if (status !== undefined && url === ASSERTION.id && !options?.acceptStatus?.includes(status)) throw new Error(`The server answered ${status}.`);
    return { url, ...(status !== undefined && url === ASSERTION.id ? { status } : {}), body: new TextEncoder().encode(JSON.stringify(documents[url])) };
  };
  const NOW = () => new Date('2024-06-01T00:00:00Z');

  it('matches --recipient as a URL, a telephone number or an e-mail address, by the kind it looks like', async () => {
    for (const [recipient, given, code] of [
      [salted('url', 'https://beth.example.org/'), 'https://beth.example.org/', 0],
      [salted('telephone', '+15555551234'), '+15555551234', 0],
      [salted('telephone', '+15555551234'), '+15555550000', 1],
      [salted('email', 'nobody@example.org'), 'NoBody@example.org', 0],
    ] as const) {
      const assertion = { ...ASSERTION, recipient };
      await writeFile(join(dir, 'ob2-recipient.json'), JSON.stringify(assertion));
      const result = await run(['verify', 'ob2-recipient.json', '--recipient', given], { cwd: dir, fetch: fetcherFor(assertion), now: NOW });
      expect(result.code, `${given}: ${result.stdout}`).toBe(code);
    }
  });

  it('reports a hosted assertion whose address answers 410 Gone as revoked (exit 1), not as unreadable (exit 2)', async () => {
    const result = await run(['verify', ASSERTION.id as string], { cwd: dir, fetch: fetcherFor({ revoked: true, revocationReason: 'Withdrawn' }, 410), now: NOW });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NOT VERIFIED: The issuer has revoked this badge: Withdrawn \(its address answers 410 Gone\)\./);
  });
});
