/**
 * A streaming RFC 4180 CSV reader. Memory stays bounded by the longest record, not the file: bulk
 * issuance reads 100,000 rows like 1,000. Bad records are reported by line number and reading goes on.
 *
 * Why it is hand-written and not csv-parse (a dependency, looked at for issue 16): what bulk issuance
 * needs most is that a bad row is reported by its line and loses no other row (docs: "a CSV row that
 * fails is reported by line and does not stop or corrupt the others"). csv-parse 7.0.3 with
 * `skip_records_with_error` does not keep that: after a row over `max_record_size` it drops the rest
 * of the chunk (every following row in the same 64 KiB read, silently), and after text that follows
 * a closing quote (`"x"y,2`) it reads on as if inside quotes and swallows the following rows into one
 * "quote not closed" error reported at a later line. test/csv/csv-parse-recovery.test.ts shows both
 * and will fail when csv-parse changes, as the cue to look again. It was also slower here: 200,000
 * rows (6.5 MB) in ~2.3–3.6 s against ~0.5 s for this reader, on the same machine in the same run.
 * Where the two agree this reader follows RFC 4180 §2 (quoting, doubled quotes, line breaks in quoted
 * fields) and accepts LF and lone CR line ends as well as CRLF, as spreadsheets write them.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  error: string;
  /** True when the header row itself is unreadable or invalid: nothing after it can be read. */
  header?: true;
}

export interface CsvOptions {
  /** Longest record accepted, in characters (default 64 KiB). */
  maxRecordLength?: number;
  /** Most fields in one record (default 256). */
  maxFields?: number;
}

/**
 * Yields records or errors from chunks of text. A record longer than the bound is skipped up to the
 * next line break and reported, so one bad row cannot stop or corrupt the others.
 *
 * @example
 *   for await (const item of readCsv(createReadStream('recipients.csv', 'utf8'))) { … }
 */
export async function* readCsv(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecord | CsvError> {
  const maxRecordLength = options.maxRecordLength ?? 64 * 1024;
  const maxFields = options.maxFields ?? 256;
  const decoder = new TextDecoder('utf-8', { fatal: false });

  let fields: string[] = [];
  let field = '';
  let recordLength = 0;
  let inQuotes = false;
  let quoteSeen = false; // a quote inside a quoted field: either the end or the first of a pair
  let line = 1;
  let recordLine = 1;
  let first = true;
  let skipping: string | undefined; // set while discarding an over-long or broken record
  let fieldQuoted = false;
  let afterCR = false;
  let recordQuoted = false; // a record of one quoted empty field is a value, not a blank line

  const finishRecord = (): CsvRecord | CsvError | undefined => {
    const error = skipping;
    const out = fields;
    fields = [];
    field = '';
    recordLength = 0;
    skipping = undefined;
    fieldQuoted = false;
    if (error) return { line: recordLine, error };
    const quoted = recordQuoted;
    recordQuoted = false;
    if (out.length === 1 && out[0] === '' && !quoted) return undefined; // blank line
    return { line: recordLine, fields: out };
  };

  const pushField = () => {
    if (fields.length >= maxFields) skipping ??= `The row has more than ${maxFields} columns.`;
    else fields.push(field);
    field = '';
    fieldQuoted = false;
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > 0) first = false;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (afterCR && c !== '\n') afterCR = false;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false; // fall through: c is the character after the closing quote
        } else if (c === '"') {
          quoteSeen = true;
          continue;
        } else {
          if (c === '\n') line++;
          if (++recordLength > maxRecordLength) skipping ??= `The row is longer than ${maxRecordLength} characters.`;
          if (!skipping) field += c;
          continue;
        }
      }
      if (c === '"') {
        if (field.length === 0 && !fieldQuoted) {
          inQuotes = true;
          fieldQuoted = true;
          recordQuoted = true;
        } else {
          skipping ??= 'A quote (") appears inside a field that is not quoted; quote the whole field and double the quote.';
        }
      } else if (c === ',') {
        pushField();
      } else if (c === '\n' || c === '\r') {
        if (c === '\n' && afterCR) {
          afterCR = false; // the LF of a CRLF split across two chunks
          continue;
        }
        if (c === '\r' && text[i + 1] === '\n') i++;
        else if (c === '\r' && i + 1 === text.length) afterCR = true;
        pushField();
        const record = finishRecord();
        if (record) yield record;
        line++;
        recordLine = line;
      } else {
        if (fieldQuoted) {
          skipping ??= 'Text follows the closing quote of a quoted field.';
        }
        if (++recordLength > maxRecordLength) skipping ??= `The row is longer than ${maxRecordLength} characters.`;
        if (!skipping) field += c;
      }
    }
  }
  const tail = decoder.decode();
  if (tail && !skipping) field += tail;
  if (inQuotes && !quoteSeen) {
    skipping ??= 'The row opens a quoted field that is never closed.';
  }
  if (field.length > 0 || fields.length > 0 || fieldQuoted || skipping) {
    pushField();
    const record = finishRecord();
    if (record) yield record;
  }
}

/**
 * Reads a CSV with a header row and yields one object per data row, keyed by the lower-cased,
 * trimmed header names. Rows whose column count differs from the header are reported.
 */
export async function* readCsvObjects(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: CsvOptions & {
    /** Called with the header's column names once it is read, before any row (it may throw to stop). */
    onHeader?: (names: readonly string[], line: number) => void;
  } = {},
): AsyncGenerator<{ line: number; row: Record<string, string> } | CsvError> {
  let header: string[] | undefined;
  for await (const item of readCsv(chunks, options)) {
    if ('error' in item) {
      if (!header) {
        yield { line: item.line, error: `The header row is unreadable: ${item.error}`, header: true };
        return;
      }
      yield item;
      continue;
    }
    if (!header) {
      header = item.fields.map((name) => name.trim().toLowerCase());
      const duplicate = header.find((name, index) => header!.indexOf(name) !== index);
      if (duplicate !== undefined) {
        yield { line: item.line, error: `The header names the column "${duplicate}" twice.`, header: true };
        return;
      }
      options.onHeader?.(header, item.line);
      continue;
    }
    if (item.fields.length !== header.length) {
      yield { line: item.line, error: `The row has ${item.fields.length} columns but the header has ${header.length}.` };
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, index) => {
      row[name] = item.fields[index]!;
    });
    yield { line: item.line, row };
  }
}
