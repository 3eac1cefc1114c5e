// The `s3` dialect: an S3 POST Object form signed with a SigV4 POST policy.
// Works against AWS S3, MinIO and any S3-compatible endpoint, and is what the
// embedded dev bucket verifies. Tests check it is byte-identical to the
// official `createPresignedPost` for the same inputs and clock.
import type { UploadTicket } from '../../../../typings/ticket';
import type { SigningCrypto } from '../primitives/crypto';
import type { Dialect, KeySigner, PreparableInput } from './dialect';
import { jsonStringContent, jsonTemplate } from './json-template';
import { buildPolicy, type PolicyCondition } from './policy';
import { assertPolicyIsNarrow } from './policy-guard';
import { assertObjectKey, assertPreparableInput } from './post-ticket';
import { objectUrlFor } from '../primitives/url-encode';
import { signS3ObjectUrl } from './s3-presign';
import {
  S3_SERVICE,
  SIGV4_ALGORITHM,
  amzDate,
  credentialScope,
  iso8601Seconds,
  signingKey,
  truncateToSeconds,
} from '../primitives/sigv4';

/** Form field names exactly as S3 documents them (S3 reads them case-insensitively). */
export const S3_FIELDS = {
  key: 'key',
  bucket: 'bucket',
  contentType: 'Content-Type',
  successActionStatus: 'success_action_status',
  algorithm: 'X-Amz-Algorithm',
  credential: 'X-Amz-Credential',
  date: 'X-Amz-Date',
  securityToken: 'X-Amz-Security-Token',
  policy: 'Policy',
  signature: 'X-Amz-Signature',
} as const;

export const S3_FILE_FIELD = 'file';

/** `yyyymmdd`, the head of an X-Amz-Date (what dateStamp returns, without formatting twice). */
const AMZ_DAY_LENGTH = 8;

/**
 * 201 makes S3 answer with a small XML PostResponse (Location, Bucket, Key,
 * ETag) instead of an empty 204, so a client can confirm what was stored.
 */
export const S3_SUCCESS_STATUS = 201;

/** `<base>/<key>` with each key segment escaped the strict way and the slashes kept. */
export function s3ObjectUrl(baseUrl: string, key: string): string {
  return objectUrlFor(baseUrl, key, 'strict');
}

/**
 * S3 requires every form field to be covered by a policy condition. Beyond the
 * narrowing conditions (exact key, content type, size range), each signed field
 * is also stated as an exact-match condition, skipping one already present in the
 * same form: the same rule AWS's own SDK applies, hence byte-identical policies.
 */
function withExactFieldConditions(base: PolicyCondition[], fields: Record<string, string>): PolicyCondition[] {
  const conditions = base.slice();
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    // `{name: value}` is already there only as a one-entry object condition with the same
    // value (what comparing JSON texts would find, without serialising each condition).
    const present = base.some((c) => !Array.isArray(c) && c[name] === value && Object.keys(c).length === 1);
    if (!present) conditions.push({ [name]: value });
  }
  return conditions;
}

/**
 * Stands in for the key while the policy text is built once: the key is the only
 * part of a POST ticket that changes from file to file within a second. A NUL can
 * never be part of a key we sign, so it cannot collide with real policy content.
 */
const KEY_PLACEHOLDER = '\u0000key\u0000';
const KEY_PLACEHOLDER_JSON = JSON.stringify(KEY_PLACEHOLDER).slice(1, -1);

/** The ticket's per-key values (key, policy, signature, object URL) as holes of its JSON text. */
const HOLES = ['\u0000key\u0000', '\u0000policy\u0000', '\u0000signature\u0000', '\u0000objectUrl\u0000'] as const;

/**
 * Keys that need no escaping inside a JSON string nor in a URL path (what the signer
 * names always are): written as they are into the policy, the ticket and its object URL.
 */
const PLAIN_KEY = /^[A-Za-z0-9\-._~/]*$/;

function prepareUpload(input: PreparableInput, crypto: SigningCrypto<any>): KeySigner {
  assertPreparableInput(input);
  const signedAt = truncateToSeconds(input.now);
  const signedAtAmz = amzDate(signedAt);
  const day = signedAtAmz.slice(0, AMZ_DAY_LENGTH);
  const { accessKeyId, accessKeySecret, securityToken } = input.credentials;

  // Insertion order is the order the form sends them in; the file goes last. The names
  // are S3_FIELDS', spelled out: a literal with computed keys is built through V8's slow
  // runtime path into an object every ticket then copies (the names are tested).
  const signedFields: Record<string, string> = {
    'Content-Type': input.contentType,
    success_action_status: String(S3_SUCCESS_STATUS),
    bucket: input.bucket,
    'X-Amz-Algorithm': SIGV4_ALGORITHM,
    'X-Amz-Credential': `${accessKeyId}/${credentialScope(day, input.region, S3_SERVICE)}`,
    'X-Amz-Date': signedAtAmz,
  };
  if (securityToken) signedFields['X-Amz-Security-Token'] = securityToken;
  const narrowing = buildPolicy({
    bucket: input.bucket,
    key: KEY_PLACEHOLDER,
    contentType: input.contentType,
    contentTypeField: S3_FIELDS.contentType,
    maxBytes: input.maxBytes,
    minBytes: input.minBytes,
    now: signedAt,
    ttlSeconds: input.ttlSeconds,
  });
  const expiration = new Date(narrowing.expiration);
  const policy = {
    expiration: iso8601Seconds(expiration),
    conditions: withExactFieldConditions(narrowing.conditions, { ...signedFields, [S3_FIELDS.key]: KEY_PLACEHOLDER }),
  };
  // The guard every POST dialect runs, once per prepared second: the key is bound exactly
  // (the placeholder stands where each file's key goes), as are the size range and token.
  assertPolicyIsNarrow(policy, securityToken ? { securityTokenField: S3_FIELDS.securityToken } : {});
  const policyText = JSON.stringify(policy);
  const policyAroundKey = policyText.split(KEY_PLACEHOLDER_JSON);
  const key = signingKey(crypto, accessKeySecret, day, input.region, S3_SERVICE);
  const expiresAt = expiration.toISOString();

  // One builder for the ticket object and for its JSON text, so the two cannot drift.
  const ticketOf = (objectKey: string, encodedPolicy: string, signature: string, objectUrl: string): UploadTicket => {
    // Object.assign then stores, not `{ ...signedFields, key, … }`: V8 defines properties
    // after a spread through a slow runtime path, about 2.5 µs per ticket.
    const fields = Object.assign({}, signedFields);
    fields[S3_FIELDS.key] = objectKey;
    fields[S3_FIELDS.policy] = encodedPolicy;
    fields[S3_FIELDS.signature] = signature;
    return {
      provider: 's3',
      method: 'POST',
      url: input.endpoint,
      key: objectKey,
      fileField: S3_FILE_FIELD,
      fields,
      headers: {},
      contentType: input.contentType,
      maxBytes: input.maxBytes,
      expiresAt,
      successStatus: S3_SUCCESS_STATUS,
      objectUrl,
    };
  };
  const policyFor = (keyJson: string) => crypto.base64Utf8(policyAroundKey.join(keyJson));
  const signatureOf = (encodedPolicy: string) => crypto.hmacSha256Hex(key, encodedPolicy);
  const render = jsonTemplate(ticketOf(HOLES[0], HOLES[1], HOLES[2], HOLES[3]), HOLES);
  // The object URL of a plain key is `<base>/<key>`: the base's JSON text is made once.
  const baseUrlJson = jsonStringContent(s3ObjectUrl(input.publicBaseUrl, ''));

  return {
    ticket: (objectKey) => {
      assertObjectKey(objectKey);
      const encodedPolicy = policyFor(PLAIN_KEY.test(objectKey) ? objectKey : jsonStringContent(objectKey));
      return ticketOf(objectKey, encodedPolicy, signatureOf(encodedPolicy), s3ObjectUrl(input.publicBaseUrl, objectKey));
    },
    json: (objectKey) => {
      assertObjectKey(objectKey);
      const plain = PLAIN_KEY.test(objectKey);
      const keyJson = plain ? objectKey : jsonStringContent(objectKey);
      const encodedPolicy = policyFor(keyJson);
      const objectUrlJson = plain ? baseUrlJson + objectKey : jsonStringContent(s3ObjectUrl(input.publicBaseUrl, objectKey));
      // base64 and hex need no escaping.
      return render([keyJson, encodedPolicy, signatureOf(encodedPolicy), objectUrlJson]);
    },
  };
}

export const s3Dialect: Dialect = {
  provider: 's3',
  signUpload: (input, crypto) => prepareUpload(input, crypto).ticket(input.key),
  prepareUpload,
  signObjectUrl: signS3ObjectUrl,
};
