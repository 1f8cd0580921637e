// Small HTTP helpers for the sandbox: body reading (JSON, urlencoded, multipart —
// the official SDK posts token requests as multipart form-data) and replies.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  body: unknown;
  form: Record<string, string>;
}

export async function readRequest(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Req> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const type = String(req.headers['content-type'] ?? '');
  let body: unknown = null;
  let form: Record<string, string> = {};
  if (raw.length > 0) {
    if (type.includes('application/x-www-form-urlencoded')) {
      form = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } else if (type.includes('multipart/form-data')) {
      form = parseMultipart(raw, type);
    } else {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined; // malformed JSON: routes answer INVALID_DATA
      }
    }
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    raw,
    body,
    form,
  };
}

function parseMultipart(raw: Buffer, type: string): Record<string, string> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!m) return {};
  const boundary = `--${m[1] ?? m[2]}`;
  const out: Record<string, string> = {};
  for (const part of raw.toString('utf8').split(boundary)) {
    const idx = part.indexOf('\r\n\r\n');
    if (idx < 0) continue;
    const name = /name="([^"]+)"/.exec(part.slice(0, idx));
    if (!name) continue;
    out[name[1]!] = part.slice(idx + 4).replace(/\r\n$/, '');
  }
  return out;
}

export function send(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined || status === 204 || status === 304) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function zohoError(code: string, message: string, details: Record<string, unknown> = {}) {
  return { code, details, message, status: 'error' };
}
