// The POST policy document every provider shares (S3, OSS, COS and OBS all take
// {expiration, conditions}); each dialect adds its own signature fields.

export type PolicyCondition =
  | Record<string, string>
  | ['eq' | 'starts-with', string, string]
  | ['content-length-range', number, number];

export interface PostPolicy {
  expiration: string;
  conditions: PolicyCondition[];
}

export interface PolicyBasics {
  bucket: string;
  key: string;
  contentType: string;
  /** The multipart field name the provider reads the content type from. */
  contentTypeField: string;
  maxBytes: number;
  /** Defaults to MIN_OBJECT_BYTES. */
  minBytes?: number;
  now: Date;
  ttlSeconds: number;
}

/** Smallest accepted object: an empty upload is never what a person meant. */
export const MIN_OBJECT_BYTES = 1;

export function expiresAt(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}

/**
 * The conditions that make a ticket narrow: this bucket, exactly this key, this
 * content type, at most maxBytes, until now + ttl. Dialects append their own
 * (credential, date, token) conditions to `extra`.
 */
export function buildPolicy(basics: PolicyBasics, extra: PolicyCondition[] = []): PostPolicy {
  return {
    expiration: expiresAt(basics.now, basics.ttlSeconds).toISOString(),
    conditions: [
      { bucket: basics.bucket },
      ['eq', '$key', basics.key],
      ['eq', `$${basics.contentTypeField}`, basics.contentType],
      ['content-length-range', basics.minBytes ?? MIN_OBJECT_BYTES, basics.maxBytes],
      ...extra,
    ],
  };
}
