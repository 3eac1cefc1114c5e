// Shared by the signer API tests: small HTTP helpers that expose status, headers and
// parsed JSON, and the options for a signer started only to sign (see signer.ts).
import http from 'node:http';
import type { SignerOptions } from './signer';

export const PINNED_NOW = new Date('2026-11-22T10:00:00.000Z');

/** Options for tests of the signing API alone: the pinned clock and no dev bucket. */
export const signingOnly = (opts: SignerOptions = {}): SignerOptions => ({ now: () => PINNED_NOW, devBucket: false, ...opts });

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One raw HTTP request: full control over headers and body (fetch adds its own). */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function postJson(origin: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return request(origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const askTickets = (origin: string, body: unknown, headers?: Record<string, string>) =>
  postJson(origin, '/api/tickets', body, headers);

/** A well-formed one-file request, to vary one field at a time. */
export const photo = (overrides: Record<string, unknown> = {}) => ({ name: 'IMG_0001.jpg', size: 2345678, type: 'image/jpeg', ...overrides });

export function decodePolicy(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8'));
}
