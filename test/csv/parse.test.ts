import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { readCsv, readCsvObjects } from '../../src/csv/parse.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Splits text into chunks at the given cut points, to prove chunk boundaries change nothing. */
function chunked(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('readCsv', () => {
  it('reads RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes', async () => {
    const text = 'recipient,name\r\n"a@x.org","Doe, Jane"\r\n"b@x.org","Say ""hi""\nthere"\r\n';
    const records = await collect(readCsv([text]));
    expect(records).toEqual([
      { line: 1, fields: ['recipient', 'name'] },
      { line: 2, fields: ['a@x.org', 'Doe, Jane'] },
      { line: 3, fields: ['b@x.org', 'Say "hi"\nthere'] },
    ]);
  });

  it('gives the same records whatever the chunk size (CRLF and quotes split across chunks)', async () => {
    const text = '\uFEFFa,b\r\n"1,""x""",2\r\n\r\n3,"4\r\n5"\r\n6,7';
    const whole = await collect(readCsv([text]));
    for (const size of [1, 2, 3, 5, 8]) {
      expect(await collect(readCsv(chunked(text, size)))).toEqual(whole);
    }
    expect(whole.map((r) => ('fields' in r ? r.line : -1))).toEqual([1, 2, 4, 6]);
  });

  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('name\nZoë Ångström\n');
    const parts = [bytes.slice(0, 8), bytes.slice(8, 9), bytes.slice(9)];
    const records = await collect(readCsv(parts));
    expect(records[1]).toEqual({ line: 2, fields: ['Zoë Ångström'] });
  });

  it('reports a broken row by line number and goes on with the next rows', async () => {
    const text = 'a,b\n1,x"y\n2,"never closed\n';
    const ok = 'a,b\n1,x"y\n3,4\n';
    expect(await collect(readCsv([ok]))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, error: expect.stringContaining('quote') },
      { line: 3, fields: ['3', '4'] },
    ]);
    const records = await collect(readCsv([text]));
    expect(records.at(-1)).toEqual({ line: 3, error: expect.stringContaining('never closed') });
  });

  it('keeps a final quoted empty field without a trailing line break', async () => {
    expect(await collect(readCsv(['a\n""']))).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
    ]);
  });

  it('bounds record length and column count', async () => {
    const long = `a\n${'x'.repeat(200)}\nok\n`;
    expect(await collect(readCsv([long], { maxRecordLength: 100 }))).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, error: expect.stringContaining('longer') },
      { line: 3, fields: ['ok'] },
    ]);
    const wide = await collect(readCsv([`${Array(10).fill('c').join(',')}\n`], { maxFields: 5 }));
    expect(wide[0]).toEqual({ line: 1, error: expect.stringContaining('columns') });
  });

  it('never throws on arbitrary text and keeps line numbers increasing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', ' ') , maxLength: 200 }), async (text) => {
        const records = await collect(readCsv(chunked(text, 7)));
        const lines = records.map((r) => r.line);
        expect([...lines].sort((x, y) => x - y)).toEqual(lines);
      }),
    );
  });

  it('round-trips any table written with proper quoting', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', 'é'), maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 5 }), async (rows) => {
        const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
        const text = rows.map((row) => row.map(quote).join(',')).join('\r\n');
        const records = await collect(readCsv(chunked(text, 3)));
        expect(records.map((r) => ('fields' in r ? r.fields : r.error))).toEqual(rows);
      }),
    );
  });
});

describe('readCsvObjects', () => {
  it('keys rows by lower-cased header and reports column-count mismatches', async () => {
    const rows = await collect(readCsvObjects(['Recipient, Grade \na@x.org,A\nb@x.org\nc@x.org,B\n']));
    expect(rows).toEqual([
      { line: 2, row: { recipient: 'a@x.org', grade: 'A' } },
      { line: 3, error: expect.stringContaining('1 columns but the header has 2') },
      { line: 4, row: { recipient: 'c@x.org', grade: 'B' } },
    ]);
  });
  it('refuses a header that names a column twice', async () => {
    const rows = await collect(readCsvObjects(['a,A\n1,2\n']));
    expect(rows).toEqual([{ line: 1, error: expect.stringContaining('twice'), header: true }]);
  });
});
