/** The bulk upload's review, read in the browser before anything is sent (web/src/bulk-review.ts). */
import { describe, expect, it } from 'vitest';
import { reviewCsv } from '../../web/src/bulk-review.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('bulk review', () => {
  it('counts rows, names recipients and e-mails, and lists a bad row by its line', async () => {
    const review = await reviewCsv(bytes('email,name\nada@example.org,Ada Lovelace\ndid:key:z6Mk,Grace\n,Nobody\n"a,b\n'));
    expect(review).toMatchObject({
      kind: 'ready',
      rows: 4,
      emails: 1,
      recipients: [{ line: 2, to: 'ada@example.org', name: 'Ada Lovelace' }, { line: 3, to: 'did:key:z6Mk', name: 'Grace' }],
    });
    if (review.kind !== 'ready') throw new Error('not ready');
    expect(review.problems.map((p) => p.line)).toEqual([4, 5]);
  });

  it('a row the server would refuse (not an e-mail address or DID) is a problem, not a recipient', async () => {
    const review = await reviewCsv(bytes('email,name\ngrace@example.org,Grace\nnot-an-email,Bad Row\nada@exa\u200bmple.org,Zero width\n'));
    expect(review).toMatchObject({ kind: 'ready', rows: 3, emails: 1, recipients: [{ line: 2, to: 'grace@example.org' }] });
    if (review.kind === 'ready') expect(review.problems).toEqual([
      { line: 3, message: '“not-an-email” is not an e-mail address or a DID.' },
      { line: 4, message: '“ada@exa\u200bmple.org” is not an e-mail address or a DID.' },
    ]);
  });

  it('a file without a recipient column is told so, once, naming its columns', async () => {
    const review = await reviewCsv(bytes('name,result\nGrace Hopper,A\n'), '“no-email.csv”');
    expect(review.kind).toBe('no-recipient');
    if (review.kind === 'ready') throw new Error('ready');
    expect(review.message).toContain('“name”, “result”');
    expect(review.message).toContain('add an “email”');
  });

  it('a PNG, a binary file and invalid UTF-8 are not CSV files', async () => {
    for (const file of [PNG, Buffer.from([1, 2, 0, 3]), Buffer.from([0x65, 0x6d, 0xff, 0xfe, 0x0a])]) {
      const review = await reviewCsv(new Uint8Array(file), '“badge.png”');
      expect(review.kind).toBe('not-csv');
      if (review.kind === 'not-csv') expect(review.message).toMatch(/^“badge\.png” is not a CSV file/);
    }
  });

  it('an empty file asks for the header line', async () => {
    expect((await reviewCsv(bytes(''))).kind).toBe('no-recipient');
  });

  it('header aliases the server reads (E-mail, DID) are recipients too', async () => {
    expect(await reviewCsv(bytes('E-mail\nx@example.org\n'))).toMatchObject({ kind: 'ready', rows: 1, emails: 1 });
  });
});
