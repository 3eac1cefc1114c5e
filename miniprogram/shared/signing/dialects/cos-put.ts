// Tencent Cloud COS, PUT Object with an Authorization header (UPLOAD_METHOD=put).
// For deployments that prefer one PUT per file to a multipart form. A PUT has no
// policy, so what the form's policy would bind is bound by the signature itself:
// the exact key (the signed path), the content type and the exact length (both
// signed headers) and the window (q-key-time). Content-Length is signed beyond
// the host and content-type the issue names because it is the only way a PUT
// can respect the size limit; clients send the file they declared, whose length
// the platform puts in Content-Length by itself.
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, TicketInput } from './dialect';
import { expiresAt } from './policy';
import { FILE_FIELD, assertExactSize, assertTicketInput } from './post-ticket';
import { COS_FIELDS, cosAuthorization, cosKeyTime, cosObjectUrl, signCosObjectUrl } from './cos';
import { objectUrlFor, parseEndpoint } from '../primitives/url-encode';

export const COS_PUT_HEADERS = {
  authorization: 'Authorization',
  contentType: 'Content-Type',
  securityToken: COS_FIELDS.securityToken,
} as const;

/** COS answers a successful PUT Object with 200. */
export const COS_PUT_SUCCESS_STATUS = 200;

function signUpload(input: TicketInput, crypto: SigningCrypto<any>) {
  assertTicketInput(input);
  assertExactSize(input.size, input.maxBytes);
  const { credentials } = input;
  const { host } = parseEndpoint(input.endpoint);
  const signedHeaders: Record<string, string> = {
    'content-length': String(input.size),
    'content-type': input.contentType,
    host,
  };
  // Signing the token header too binds the ticket to this STS session (COS
  // verifies every header named in q-header-list).
  if (credentials.securityToken) signedHeaders[COS_PUT_HEADERS.securityToken] = credentials.securityToken;
  const authorization = cosAuthorization(crypto, credentials, {
    method: 'put',
    key: input.key,
    headers: signedHeaders,
    keyTime: cosKeyTime(input.now, input.ttlSeconds),
  });
  const headers: Record<string, string> = {
    [COS_PUT_HEADERS.authorization]: authorization,
    [COS_PUT_HEADERS.contentType]: input.contentType,
  };
  if (credentials.securityToken) headers[COS_PUT_HEADERS.securityToken] = credentials.securityToken;
  return {
    provider: 'cos' as const,
    method: 'PUT' as const,
    url: objectUrlFor(input.endpoint, input.key, 'strict'),
    key: input.key,
    fileField: FILE_FIELD,
    fields: {},
    headers,
    contentType: input.contentType,
    // The exact length is signed: the body must be precisely this many bytes.
    maxBytes: input.size,
    expiresAt: expiresAt(input.now, input.ttlSeconds).toISOString(),
    successStatus: COS_PUT_SUCCESS_STATUS,
    objectUrl: cosObjectUrl(input),
  };
}

export const cosPutDialect: Dialect = {
  provider: 'cos',
  signUpload,
  signObjectUrl: signCosObjectUrl,
};
