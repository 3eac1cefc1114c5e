// The POST-policy ticket OSS (V4 and V1), COS and OBS issue is one shape: the
// common policy plus the success status, the provider's signed values and the STS
// token; the narrowness guard; the form fields in a fixed order (key, content
// type, status, provider fields, token, policy, signature fields); and the same
// ticket around it. Each dialect supplies only its field names, its own signed
// values and how it signs the encoded policy.
import type { TicketProvider, UploadTicket } from '../../../../typings/ticket';
import type { SigningCrypto } from '../primitives/crypto';
import type { TicketInput } from './dialect';
import { buildPolicy, expiresAt } from './policy';
import type { PolicyCondition } from './policy';
import { assertPolicyIsNarrow } from './policy-guard';
import { FILE_FIELD, SUCCESS_STATUS, encodePolicy } from './post-ticket';
import type { EncodedPolicy } from './post-ticket';

/** The form fields every one of these stores has, under its own names. */
export interface PostFormFieldNames {
  key: string;
  policy: string;
  securityToken: string;
  contentType: string;
  successStatus: string;
}

export interface PostFormSpec {
  provider: TicketProvider;
  names: PostFormFieldNames;
  /** Policy conditions after the success status, before the token (credential, date, algorithm…). */
  conditions: PolicyCondition[];
  /** Form fields after the success status, before the token. */
  leadingFields: Record<string, string>;
  /** The form fields that follow the policy, the signature last. */
  sign(policy: EncodedPolicy): Record<string, string>;
  /** Where the ticket's `objectUrl` points (each store encodes keys its own way). */
  objectUrl(input: TicketInput): string;
}

/** Builds, guards and signs the policy, then lays out the form; the caller has checked the input. */
export function signPostForm(input: TicketInput, crypto: SigningCrypto<unknown>, spec: PostFormSpec): UploadTicket {
  const { names } = spec;
  const token = input.credentials.securityToken;
  const conditions: PolicyCondition[] = [['eq', `$${names.successStatus}`, String(SUCCESS_STATUS)], ...spec.conditions];
  if (token) conditions.push({ [names.securityToken]: token });
  const policy = buildPolicy({ ...input, contentTypeField: names.contentType }, conditions);
  assertPolicyIsNarrow(policy, { securityTokenField: token ? names.securityToken : undefined });
  const encoded = encodePolicy(policy, crypto);
  const fields: Record<string, string> = {
    [names.key]: input.key,
    [names.contentType]: input.contentType,
    [names.successStatus]: String(SUCCESS_STATUS),
    ...spec.leadingFields,
  };
  if (token) fields[names.securityToken] = token;
  fields[names.policy] = encoded.base64;
  Object.assign(fields, spec.sign(encoded));
  return {
    provider: spec.provider,
    method: 'POST',
    url: input.endpoint,
    key: input.key,
    fileField: FILE_FIELD,
    fields,
    headers: {},
    contentType: input.contentType,
    maxBytes: input.maxBytes,
    expiresAt: expiresAt(input.now, input.ttlSeconds).toISOString(),
    successStatus: SUCCESS_STATUS,
    objectUrl: spec.objectUrl(input),
  };
}

/** base64 HMAC-SHA1(secret, text): the signature OSS V1 and OBS put on a policy's base64 or a canonical string. */
export function base64HmacSha1<B>(crypto: SigningCrypto<B>, secret: string, text: string): string {
  return crypto.base64(crypto.hmacSha1(crypto.utf8(secret), text));
}

export interface HmacSha1PostFormSpec {
  provider: TicketProvider;
  names: PostFormFieldNames & { accessKeyId: string; signature: string };
  objectUrl(input: TicketInput): string;
}

/**
 * The form OSS V1 and OBS share: the access key id as a plain field, nothing else
 * signed into the policy, and the signature = base64 HMAC-SHA1 of the base64 policy.
 */
export function signHmacSha1PostForm(input: TicketInput, crypto: SigningCrypto<any>, spec: HmacSha1PostFormSpec): UploadTicket {
  const { names } = spec;
  return signPostForm(input, crypto, {
    provider: spec.provider,
    names,
    conditions: [],
    leadingFields: { [names.accessKeyId]: input.credentials.accessKeyId },
    sign: (policy) => ({ [names.signature]: base64HmacSha1(crypto, input.credentials.accessKeySecret, policy.base64) }),
    objectUrl: spec.objectUrl,
  });
}
