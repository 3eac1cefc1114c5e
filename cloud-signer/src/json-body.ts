// Reads a small JSON request body with a hard cap. Over the cap we stop reading at
// once and answer 413 with "Connection: close", so a client cannot make the signer
// buffer (or even receive) more than the cap.
import type { IncomingMessage } from 'node:http';
import { ApiFailure } from './api-error';

/** A batch of 20 files with 255-character names is ~8 KiB; 64 KiB leaves room and no more. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/json\s*(;|$)/i;

function tooLarge(limit: number): ApiFailure {
  return new ApiFailure(413, 'BodyTooLarge', `The request body is larger than ${limit / 1024} KiB.`);
}

// Clients send one spelling of the header over and over: the last accepted one skips the regex.
let lastJsonType = 'application/json';

/** Throws ApiFailure(415) unless the request says it carries JSON. */
export function checkJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === lastJsonType) return;
  if (type !== undefined && JSON_TYPE.test(type)) {
    lastJsonType = type;
    return;
  }
  throw new ApiFailure(415, 'UnsupportedMediaType', 'Send the body as JSON with "Content-Type: application/json".');
}

/** Called once with the parsed body, or with the ApiFailure that refused it. */
export type JsonBodyCallback = (error: Error | undefined, body?: unknown) => void;

/**
 * Reads and parses the body, then calls `done` once. A callback rather than a promise:
 * the ticket route answers from here, and a promise plus an await per request is a
 * measurable share of what a ticket costs next to a bare node:http server.
 */
export function readJsonBodyThen(req: IncomingMessage, done: JsonBodyCallback, limit: number = MAX_JSON_BODY_BYTES): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    done(tooLarge(limit));
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let received = 0;
  let settled = false;
  const settle = (error: Error | undefined, body?: unknown) => {
    if (settled) return;
    settled = true;
    done(error, body);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      req.off('data', onData);
      req.off('end', onEnd);
      req.pause();
      settle(tooLarge(limit));
      return;
    }
    // Almost every ticket request arrives in one chunk: avoid the array and concat then.
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  };
  const onEnd = () => {
    const bytes = more ? Buffer.concat(more, received) : first;
    if (bytes === undefined || received === 0) {
      settle(new ApiFailure(400, 'InvalidJson', 'The request body is empty; send JSON such as {"files":[...]}.'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      settle(new ApiFailure(400, 'InvalidJson', 'The request body is not valid JSON.'));
      return;
    }
    settle(undefined, body);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', settle);
}

export function readJsonBody(req: IncomingMessage, limit: number = MAX_JSON_BODY_BYTES): Promise<unknown> {
  return new Promise((resolve, reject) => {
    readJsonBodyThen(req, (error, body) => (error === undefined ? resolve(body) : reject(error)), limit);
  });
}
