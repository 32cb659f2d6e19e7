/**
 * Why src/csv/parse.ts is not built on csv-parse (see its opening comment): with
 * `skip_records_with_error`, csv-parse 7 loses rows after a bad one, where our reader reports the bad
 * row by line and reads every other row. If these tests start failing, csv-parse has changed: look
 * again at building the reader on it (the tests in parse.test.ts say what it must keep).
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/csv/parse.ts';

async function withCsvParse(text: string, maxRecordSize = 0): Promise<{ rows: string[][]; errors: string[] }> {
  const rows: string[][] = [];
  const errors: string[] = [];
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, max_record_size: maxRecordSize });
  parser.on('skip', (error: Error & { code?: string }) => errors.push(error.code ?? error.message));
  Readable.from([text]).pipe(parser);
  for await (const row of parser) rows.push(row as string[]);
  return { rows, errors };
}

async function withOurs(text: string, maxRecordLength?: number): Promise<{ rows: string[][]; errors: number[] }> {
  const rows: string[][] = [];
  const errors: number[] = [];
  for await (const item of readCsv([text], maxRecordLength ? { maxRecordLength } : {})) {
    if ('error' in item) errors.push(item.line);
    else rows.push(item.fields);
  }
  return { rows, errors };
}

describe('csv-parse 7 error recovery, against our reader', () => {
  it('loses the rows after an over-long row in the same chunk', async () => {
    const text = `a\n${'x'.repeat(200)}\nok\nalso ok\n`;
    expect(await withCsvParse(text, 100)).toEqual({ rows: [['a']], errors: ['CSV_MAX_RECORD_SIZE'] });
    expect(await withOurs(text, 100)).toEqual({ rows: [['a'], ['ok'], ['also ok']], errors: [2] });
  });

  it('swallows the rows after text that follows a closing quote into one error', async () => {
    const text = 'a,b\n"x"y,2\n3,4\n5,6\n';
    expect(await withCsvParse(text)).toEqual({ rows: [['a', 'b']], errors: ['CSV_INVALID_CLOSING_QUOTE', 'CSV_QUOTE_NOT_CLOSED'] });
    expect(await withOurs(text)).toEqual({ rows: [['a', 'b'], ['3', '4'], ['5', '6']], errors: [2] });
  });
});
