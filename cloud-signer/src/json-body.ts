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

/** Throws ApiFailure(415) unless the request says it carries JSON. */
export function checkJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw new ApiFailure(415, 'UnsupportedMediaType', 'Send the body as JSON with "Content-Type: application/json".');
  }
}

export function readJsonBody(req: IncomingMessage, limit: number = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      // Almost every ticket request arrives in one chunk: avoid the array and concat then.
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    };
    const onEnd = () => {
      const bytes = more ? Buffer.concat(more, received) : first;
      if (bytes === undefined || received === 0) {
        reject(new ApiFailure(400, 'InvalidJson', 'The request body is empty; send JSON such as {"files":[...]}.'));
        return;
      }
      try {
        resolve(JSON.parse(bytes.toString('utf8')));
      } catch {
        reject(new ApiFailure(400, 'InvalidJson', 'The request body is not valid JSON.'));
      }
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
