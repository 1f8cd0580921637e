// Reading a Bulk Read result (fact sheet §3.1): a ZIP holding one CSV. A small
// ZIP reader (stored and deflated entries, via the central directory) and an
// RFC 4180 CSV parser, so no dependency is needed for this one file format.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export function unzip(buf: Buffer): ZipEntry[] {
  // End of central directory: signature 0x06054b50, searched from the end (comment ≤ 64 KiB).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt ZIP central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`corrupt ZIP entry ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (method === 0) out.push({ name, data: Buffer.from(raw) });
    else if (method === 8) out.push({ name, data: inflateRawSync(raw) });
    else throw new Error(`ZIP entry ${name} uses unsupported method ${method}`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 rows of a CSV file, one at a time: quoted fields, doubled quotes, CRLF or
 * LF line ends, a UTF-8 byte order mark skipped. Read from the bytes, so a Bulk Read
 * file of 200,000 records is never one string nor 200,000 parsed rows at once (that
 * took ~700 MB of heap for 200,000 deals, more than a worker is sized for; see
 * docs/operations.md). Splitting on bytes is safe in UTF-8: no byte of a multi-byte
 * character is a quote, comma or line end.
 */
export function* csvRows(data: Buffer): Generator<string[]> {
  const end = data.length;
  let i = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  let row: string[] = [];
  while (i < end) {
    let field: string;
    if (data[i] === QUOTE) {
      // Quoted: up to the quote not followed by another; "" stands for ".
      const from = i + 1;
      let doubled = false;
      i = from;
      for (;;) {
        if (i >= end) break;
        if (data[i] === QUOTE) {
          if (data[i + 1] === QUOTE) {
            doubled = true;
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      field = data.toString('utf8', from, Math.min(i, end));
      if (doubled) field = field.replaceAll('""', '"');
      i++; // the closing quote
      // Anything between the closing quote and the separator is kept, as a lenient reader does.
      const rest = i;
      while (i < end && data[i] !== COMMA && data[i] !== LF && data[i] !== CR) i++;
      if (i > rest) field += data.toString('utf8', rest, i);
    } else {
      const from = i;
      while (i < end && data[i] !== COMMA && data[i] !== LF && data[i] !== CR) i++;
      field = data.toString('utf8', from, i);
    }
    row.push(field);
    if (i >= end) break;
    const c = data[i];
    i++;
    if (c === COMMA) {
      // A separator at the very end leaves one more, empty, field.
      if (i >= end) row.push('');
      else continue;
    } else if (c === CR && data[i] === LF) i++;
    yield row;
    row = [];
  }
  if (row.length > 0) yield row;
}

/** The rows of a CSV text (csvRows over its UTF-8 bytes), all at once: for small files and tests. */
export function parseCsv(text: string): string[][] {
  return [...csvRows(Buffer.from(text, 'utf8'))];
}

/**
 * CSV records keyed by the header, one at a time; empty cells are null (as JSON would
 * give); blank lines are skipped.
 */
export function* csvRecords(data: Buffer): Generator<Record<string, string | null>> {
  const rows = csvRows(data);
  const first = rows.next();
  if (first.done) return;
  const header = first.value;
  for (const r of rows) {
    if (r.length === 1 && r[0] === '') continue;
    const record: Record<string, string | null> = {};
    for (let i = 0; i < header.length; i++) {
      const cell = r[i];
      record[header[i]!] = cell === undefined || cell === '' ? null : cell;
    }
    yield record;
  }
}
