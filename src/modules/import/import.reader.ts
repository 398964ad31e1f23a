import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** One row of an import file: its line number (1-based, as an editor shows it) and its fields, or why it does not parse. */
export type RawRow = { line: number; record: Record<string, unknown> } | { line: number; problem: string };

/** The formats an import reads: NDJSON (one JSON object a line) or CSV with a header line. */
export type ImportFormat = 'ndjson' | 'csv';

/** The format a file name says (`.csv`, otherwise NDJSON). */
export function formatOf(file: string): ImportFormat {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsv(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else value += line[i++];
      }
      if (i < line.length && line[i] !== ',') return null;
      fields.push(value);
      i += 1;
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      fields.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return fields;
}

/**
 * Reads rows one at a time from a stream, never the whole file: memory stays
 * flat whatever its size. Blank lines are skipped; CSV's empty cells are absent fields.
 */
export async function* readRows(input: Readable, format: ImportFormat): AsyncGenerator<RawRow> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: string[] | null = null;
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    if (format === 'ndjson') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { line, problem: 'is not valid JSON' };
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) yield { line, problem: 'is not a JSON object' };
      else yield { line, record: value as Record<string, unknown> };
      continue;
    }
    const cells = splitCsv(text);
    if (!cells) {
      yield { line, problem: 'has a malformed quoted field' };
      continue;
    }
    if (!header) {
      header = cells.map((cell) => cell.trim());
      continue;
    }
    if (cells.length !== header.length) {
      yield { line, problem: `has ${cells.length} fields where the header has ${header.length}` };
      continue;
    }
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => {
      if (cells[index] !== '') record[name] = cells[index];
    });
    yield { line, record };
  }
}

/** The rows of a file. */
export function readFileRows(file: string): AsyncGenerator<RawRow> {
  return readRows(createReadStream(file), formatOf(file));
}
