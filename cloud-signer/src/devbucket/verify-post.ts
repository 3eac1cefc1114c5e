// Checks an S3 POST Object form the way S3 does, once every field before the file
// part has arrived: required fields, algorithm, credential and its scope, the SigV4
// signature over the base64 policy, expiry, every condition, and that every form
// field is covered by some condition. Only the file's size is left for the
// streaming stage to enforce (content-length-range).
import { timingSafeEqual } from 'node:crypto';
import type { Credentials } from '../../../miniprogram/shared/signing/index';
import { S3_SERVICE, SIGV4_ALGORITHM, SIGV4_TERMINATOR } from '../../../miniprogram/shared/signing/index';
import { parseCredential, signPolicy } from './sigv4-verify';
import { nodeCrypto } from '../node-crypto';
import { S3Error, invalidArgument, invalidToken, policyDenied } from './s3-error';

/** Form fields, names lower-cased (S3 matches them case-insensitively), in arrival order. */
export type FormFields = Map<string, string>;

export interface BucketIdentity {
  bucket: string;
  region: string;
  credentials: Credentials;
}

export interface VerifiedPost {
  key: string;
  contentType: string;
  minBytes: number;
  maxBytes: number;
  /** 200, 201 or 204, as success_action_status asks (S3's default is 204). */
  successStatus: 200 | 201 | 204;
  /** An absolute http(s) URL, parsed before anything is stored (an unusable one is dropped, as S3 does). */
  successRedirect?: URL;
}

/** 5 GiB: the largest object S3 accepts in one POST; the ceiling when a policy sets no range. */
export const MAX_POST_OBJECT_BYTES = 5 * 1024 ** 3;

const REQUIRED_FIELDS = ['key', 'policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature'];
/** Fields S3 does not require a condition for. */
const UNCONDITIONED = new Set(['x-amz-signature', 'policy', 'file']);
const IGNORED_PREFIX = 'x-ignore-';
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

type Condition = Record<string, unknown> | unknown[];

interface Policy {
  expiration: string;
  conditions: Condition[];
}

export function verifyPost(fields: FormFields, target: BucketIdentity, now: Date): VerifiedPost {
  for (const name of REQUIRED_FIELDS) {
    if (!fields.has(name)) {
      throw invalidArgument(`Bucket POST must contain a field named '${name}'. If it is specified, please check the order of the fields.`);
    }
  }
  const field = (name: string) => fields.get(name) ?? '';

  if (field('x-amz-algorithm') !== SIGV4_ALGORITHM) {
    throw invalidArgument(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}".`);
  }
  const credential = parseCredential(field('x-amz-credential'));
  if (!credential) {
    throw invalidArgument('X-Amz-Credential must look like <access key id>/<yyyymmdd>/<region>/s3/aws4_request.');
  }
  if (credential.accessKeyId !== target.credentials.accessKeyId) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The access key ID you provided does not exist in our records.');
  }
  const amzDate = AMZ_DATE.exec(field('x-amz-date'));
  if (!amzDate) throw invalidArgument('X-Amz-Date must be an ISO 8601 basic date-time such as 20151229T000000Z.');
  if (credential.day !== amzDate[1]) {
    throw invalidArgument(`The credential's date ${credential.day} is not the day of X-Amz-Date ${field('x-amz-date')}.`);
  }
  if (credential.region !== target.region) {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', `The region '${credential.region}' is wrong; expecting '${target.region}'.`);
  }
  if (credential.service !== S3_SERVICE || credential.terminator !== SIGV4_TERMINATOR) {
    throw invalidArgument(`The credential scope must end in /${S3_SERVICE}/${SIGV4_TERMINATOR}.`);
  }

  const encodedPolicy = field('policy');
  const expected = signPolicy(nodeCrypto, target.credentials.accessKeySecret, credential, encodedPolicy);
  if (!sameText(expected, field('x-amz-signature'))) {
    throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  checkSecurityToken(fields, target.credentials);

  const policy = decodePolicy(encodedPolicy);
  const expiration = Date.parse(policy.expiration);
  if (Number.isNaN(expiration)) throw invalidPolicy('expiration is not an ISO 8601 date.');
  if (now.getTime() >= expiration) throw policyDenied('Policy expired.');

  const range = checkConditions(policy.conditions, fields, target.bucket);

  const formBucket = fields.get('bucket');
  if (formBucket !== undefined && formBucket !== target.bucket) {
    throw invalidArgument(`This form is for bucket '${formBucket}', but it was sent to bucket '${target.bucket}'.`);
  }
  const contentType = fields.get('content-type') || 'binary/octet-stream';
  // Stored, it is sent back as a header on every read: one node cannot send (a form field
  // is UTF-8, a header is not) would store an object no GET could ever answer.
  if (NOT_A_HEADER_VALUE.test(contentType)) throw invalidArgument('The Content-Type field holds characters an HTTP header cannot carry.');
  return {
    key: field('key'),
    contentType,
    minBytes: range.min,
    maxBytes: range.max,
    successStatus: successStatusOf(fields.get('success_action_status')),
    successRedirect: redirectOf(fields.get('success_action_redirect') || fields.get('redirect')),
  };
}

/** What node's http refuses in a header value (its checkInvalidHeaderChar). */
const NOT_A_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * S3's POST policy, Condition Matching: a Content-Type with commas in it is a list under
 * starts-with, and each element must start with the prefix (`image/jpg,text/html` does not
 * pass `image/`; browsers would take its last entry as the type).
 */
function startsWithCondition(name: string, value: string, prefix: string): boolean {
  if (name !== 'content-type') return value.startsWith(prefix);
  return value.split(',').every((element) => element.startsWith(prefix));
}

/**
 * S3: "If success_action_redirect is not specified, or Amazon S3 cannot interpret the
 * URL, Amazon S3 returns the empty document type specified in the success_action_status
 * field." Decided here, before the upload is stored, so a bad URL can never turn a
 * stored object into an error answer.
 */
function redirectOf(value: string | undefined): URL | undefined {
  if (!value || !/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Constant-time comparison, so response timing reveals nothing about the right signature. */
function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The dev bucket's keys are long-term unless the signer was given a token too. */
function checkSecurityToken(fields: FormFields, credentials: Credentials): void {
  const token = fields.get('x-amz-security-token');
  if (token === undefined && !credentials.securityToken) return;
  if (token === undefined) throw new S3Error(403, 'InvalidToken', 'This bucket needs X-Amz-Security-Token; the form has none.');
  if (!credentials.securityToken || !sameText(credentials.securityToken, token)) {
    throw invalidToken();
  }
}

const invalidPolicy = (reason: string) => new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${reason}`);

function decodePolicy(encoded: string): Policy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  const policy = parsed as Partial<Policy> | null;
  if (!policy || typeof policy.expiration !== 'string') throw invalidPolicy('Policy missing expiration.');
  if (!Array.isArray(policy.conditions)) throw invalidPolicy('Policy missing conditions.');
  return policy as Policy;
}

/** A field's value for a condition; `bucket` is the bucket the form was sent to. */
function valueOf(name: string, fields: FormFields, bucket: string): string | undefined {
  return name === 'bucket' ? bucket : fields.get(name);
}

const describe = (condition: Condition) => JSON.stringify(condition);

function checkConditions(conditions: Condition[], fields: FormFields, bucket: string): { min: number; max: number } {
  const covered = new Set<string>();
  let min = 0;
  let max = MAX_POST_OBJECT_BYTES;
  for (const condition of conditions) {
    if (Array.isArray(condition)) {
      const [op, first, second] = condition;
      if (op === 'content-length-range') {
        if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || (first as number) < 0 || (first as number) > (second as number)) {
          throw invalidPolicy(`Invalid content-length-range ${describe(condition)}.`);
        }
        // Several ranges all apply: the allowed sizes are their intersection.
        min = Math.max(min, first as number);
        max = Math.min(max, second as number);
        continue;
      }
      if ((op !== 'eq' && op !== 'starts-with') || condition.length !== 3 || typeof first !== 'string' || typeof second !== 'string' || !first.startsWith('$')) {
        throw invalidPolicy(`Invalid condition ${describe(condition)}.`);
      }
      const name = first.slice(1).toLowerCase();
      covered.add(name);
      const value = valueOf(name, fields, bucket);
      const holds = op === 'eq' ? value === second : value !== undefined && startsWithCondition(name, value, second);
      if (!holds) throw policyDenied(`Policy Condition failed: ${describe(condition)}`);
      continue;
    }
    if (!condition || typeof condition !== 'object') throw invalidPolicy(`Invalid condition ${describe(condition)}.`);
    for (const [rawName, expected] of Object.entries(condition)) {
      if (typeof expected !== 'string') throw invalidPolicy(`Invalid condition ${describe(condition)}.`);
      const name = rawName.toLowerCase();
      covered.add(name);
      if (valueOf(name, fields, bucket) !== expected) throw policyDenied(`Policy Condition failed: ${describe(condition)}`);
    }
  }
  const extra = [...fields.keys()].filter((name) => !covered.has(name) && !UNCONDITIONED.has(name) && !name.startsWith(IGNORED_PREFIX));
  if (extra.length > 0) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);
  return { min, max };
}

function successStatusOf(value: string | undefined): 200 | 201 | 204 {
  // S3 answers 204 when the field is absent or says anything else.
  if (value === '200') return 200;
  if (value === '201') return 201;
  return 204;
}
