// How each cloud's multipart API differs on the wire, for the loopback stand-in
// (multipart-stand-in.ts): who may call (the Authorization header of an SDK call, its
// signature recomputed for our keys and bucket as the vendor documents it, or a presigned
// part URL recomputed with the vendor's own SDK), the smallest part, the
// ETag's spelling, the request-id header and the error body. Sources are listed in
// multipart-stand-in.ts.
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import OSS from 'ali-oss';
import COS from 'cos-nodejs-sdk-v5';
import ObsClient from 'esdk-obs-nodejs';
import type { Credentials } from '../../miniprogram/shared/signing';

export type StandInVendor = 'oss' | 'oss-v1' | 'cos' | 'obs';

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** A request to the store, for checking who signed it. */
export interface SignedRequest {
  req: IncomingMessage;
  url: URL;
  key: string;
  now: Date;
}

export interface VendorProfile {
  /** Smallest part but the last, checked at CompleteMultipartUpload (EntityTooSmall). */
  minPartBytes: number;
  /** COS refuses part numbers with gaps (InvalidPart); OSS and OBS assemble whatever was listed. */
  consecutiveParts: boolean;
  requestIdHeader: string;
  /** How the store spells a part's ETag: OSS in upper-case hex, COS and OBS lower-case. */
  etag(md5Hex: string): string;
  /** Whether this request carries its signature in the query (a presigned part URL). */
  isPresigned(url: URL): boolean;
  /**
   * An SDK call: the Authorization header must name our key id, the security token header
   * our token, the date be near, and its signature be the one our secret gives for this
   * bucket (and region) over what was sent (403 SignatureDoesNotMatch otherwise).
   */
  checkHeaders(request: SignedRequest): Refusal | undefined;
  /** A presigned URL, recomputed with the vendor's SDK for the same inputs and signing time. */
  checkPresigned(part: SignedRequest): Promise<Refusal | undefined>;
  errorBody(refusal: Refusal, requestId: string, resource: string): string;
}

const KIB = 1024;
const MIB = 1024 * KIB;
/** The stores refuse requests signed more than 15 minutes away from their clock (RequestTimeTooSkewed). */
const MAX_SKEW_MS = 15 * 60 * 1000;

const denied = (message: string): Refusal => ({ status: 403, code: 'AccessDenied', message });
const badKey = (): Refusal => ({ status: 403, code: 'InvalidAccessKeyId', message: 'The access key id you provided does not exist in our records.' });
const mismatch = (): Refusal => ({ status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' });
/** COS's SDK recognises this exact text (and RequestTimeTooSkewed) as a clock problem and sets its clock by the store's Date. */
const expired = (): Refusal => denied('Request has expired');
const skewed = (): Refusal => ({ status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' });

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token must be there exactly when the stand-in's keys are temporary ones. */
function tokenRefusal(sent: string | undefined, credentials: Credentials): Refusal | undefined {
  if ((sent ?? undefined) === credentials.securityToken) return undefined;
  return { status: 403, code: 'InvalidSecurityToken', message: 'The security token included in the request is invalid.' };
}

function skewRefusal(sentAt: Date | undefined, now: Date): Refusal | undefined {
  if (!sentAt || Number.isNaN(sentAt.getTime())) return denied('The request carries no valid date.');
  return Math.abs(sentAt.getTime() - now.getTime()) > MAX_SKEW_MS ? skewed() : undefined;
}

const ALL_BUT_DATE = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback',
  'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
] as const;

/**
 * Runs an SDK signing call with the wall clock at `at`, and only that call: the SDKs
 * read Date themselves. Only Date is faked, so the servers around keep their timers.
 */
function atClock<T>(at: Date, call: () => T): T {
  jest.useFakeTimers({ now: at, doNotFake: [...ALL_BUT_DATE] });
  try {
    return call();
  } finally {
    jest.useRealTimers();
  }
}

/**
 * ali-oss's own signing functions (its signUtils module), which its client signs every
 * call with: given our secret, region and bucket, they say what a call should carry.
 */
const ossSign: {
  buildCanonicalString(method: string, resource: string, request: { headers: object; parameters?: object }): string;
  authorization(accessKeyId: string, accessKeySecret: string, canonicalString: string): string;
  authorizationV4(
    accessKeyId: string,
    accessKeySecret: string,
    region: string,
    method: string,
    request: { headers: object; queries: object },
    bucketName: string,
    objectName: string,
    additionalHeaders?: string[],
  ): string;
} = require('ali-oss/lib/common/signUtils');

/** The query parameters OSS V1 and OBS sign as sub-resources, of those the multipart calls use (max-parts and the marker are not). */
const SUB_RESOURCES = ['partNumber', 'uploadId', 'uploads'];

const partQuery = (url: URL) => ({ partNumber: url.searchParams.get('partNumber') ?? '', uploadId: url.searchParams.get('uploadId') ?? '' });

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function s3StyleError(refusal: Refusal, requestId: string, hostId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${refusal.code}</Code><Message>${xmlText(refusal.message)}</Message><RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`
  );
}

/** `20261201T101500Z`, the x-oss-date of V4, as a Date. */
const compactDate = (text: string) => new Date(text.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

/**
 * OSS: V4 (OSS4-HMAC-SHA256) or V1 ("OSS ak:signature"); the SDK is ali-oss. OSS itself
 * takes either; this stand-in takes only the version it stands in for, so a test sees
 * that `oss` signs its calls with V4 and `oss-v1` with V1.
 */
function ossProfile(version: 'v4' | 'v1', bucket: string, region: string, keys: () => Credentials): VendorProfile {
  const sdkFor = (credentials: Credentials) =>
    new OSS({
      region: `oss-${region}`,
      bucket,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      stsToken: credentials.securityToken,
      secure: true,
    });
  const hostId = `${bucket}.oss-${region}.aliyuncs.com`;
  return {
    minPartBytes: 100 * KIB,
    consecutiveParts: false,
    requestIdHeader: 'x-oss-request-id',
    etag: (md5) => `"${md5.toUpperCase()}"`,
    isPresigned: (url) => url.searchParams.has(version === 'v4' ? 'x-oss-signature' : 'Signature'),
    checkHeaders({ req, url, key, now }) {
      const credentials = keys();
      const authorization = header(req, 'authorization') ?? '';
      const keyId = version === 'v4' ? /^OSS4-HMAC-SHA256 Credential=([^/,]+)\//.exec(authorization)?.[1] : /^OSS ([^:]+):/.exec(authorization)?.[1];
      if (keyId === undefined) return denied(`This stand-in takes ${version === 'v4' ? 'V4 (OSS4-HMAC-SHA256)' : 'V1 (OSS)'} signatures only.`);
      if (keyId !== credentials.accessKeyId) return badKey();
      const date = header(req, 'x-oss-date') ?? header(req, 'date');
      const sentAt = date === undefined ? undefined : version === 'v4' ? compactDate(date) : new Date(date);
      const refused = skewRefusal(sentAt, now) ?? tokenRefusal(header(req, 'x-oss-security-token'), credentials);
      if (refused) return refused;
      const method = req.method ?? 'GET';
      let expected: string;
      if (version === 'v4') {
        // Every query parameter is signed; one without a value ("?uploads") by its name alone.
        const queries = Object.fromEntries([...url.searchParams].map(([name, value]) => [name, value === '' ? null : value]));
        const additional = /AdditionalHeaders=([^,]+),/.exec(authorization)?.[1].split(';');
        expected = ossSign.authorizationV4(credentials.accessKeyId, credentials.accessKeySecret, region, method, { headers: req.headers, queries }, bucket, key, additional);
      } else {
        const parameters = Object.fromEntries([...url.searchParams].filter(([name]) => SUB_RESOURCES.includes(name)));
        expected = ossSign.authorization(credentials.accessKeyId, credentials.accessKeySecret, ossSign.buildCanonicalString(method, `/${bucket}/${key}`, { headers: req.headers, parameters }));
      }
      return authorization === expected ? undefined : mismatch();
    },
    async checkPresigned({ req, url, key, now }) {
      const credentials = keys();
      const sdk = sdkFor(credentials);
      const q = url.searchParams;
      const contentType = header(req, 'content-type') ?? '';
      if (version === 'v4') {
        const credential = q.get('x-oss-credential') ?? '';
        if (!credential.startsWith(`${credentials.accessKeyId}/`)) return badKey();
        const signedAt = compactDate(q.get('x-oss-date') ?? '');
        const ttl = Number(q.get('x-oss-expires'));
        if (Number.isNaN(signedAt.getTime()) || !Number.isSafeInteger(ttl)) return denied('Invalid signed URL.');
        if (now.getTime() > signedAt.getTime() + ttl * 1000) return expired();
        // signatureUrlV4 reads the clock before its first await, so the clock is real again by then.
        const theirs = await atClock(signedAt, () =>
          sdk.signatureUrlV4('PUT', ttl, { headers: { 'Content-Type': contentType }, queries: partQuery(url) }, key),
        );
        if (new URL(theirs).searchParams.get('x-oss-signature') !== q.get('x-oss-signature')) return mismatch();
        return tokenRefusal(q.get('x-oss-security-token') ?? undefined, credentials);
      }
      if (q.get('OSSAccessKeyId') !== credentials.accessKeyId) return badKey();
      const expires = Number(q.get('Expires'));
      if (!Number.isSafeInteger(expires)) return denied('Invalid signed URL.');
      if (now.getTime() > expires * 1000) return expired();
      // signatureUrl signs "now + expires": one second before the URL's expiry, one second to live.
      const theirs = atClock(new Date((expires - 1) * 1000), () =>
        (sdk.signatureUrl as (name: string, options: object) => string)(key, { method: 'PUT', expires: 1, 'Content-Type': contentType, subResource: partQuery(url) }),
      );
      if (new URL(theirs).searchParams.get('Signature') !== q.get('Signature')) return mismatch();
      return tokenRefusal(q.get('security-token') ?? undefined, credentials);
    },
    errorBody: (refusal, requestId) => s3StyleError(refusal, requestId, hostId),
  };
}

/** COS: the q-sign-algorithm signature, in the Authorization header or the query; the SDK is cos-nodejs-sdk-v5. */
function cosProfile(bucket: string, region: string, keys: () => Credentials): VendorProfile {
  /** `q-key-time`: start;end in Unix seconds. */
  const windowOf = (keyTime: string | null): [number, number] | undefined => {
    const match = /^(\d+);(\d+)$/.exec(keyTime ?? '');
    return match ? [Number(match[1]) * 1000, Number(match[2]) * 1000] : undefined;
  };
  const checkWindow = (keyTime: string | null, now: Date): Refusal | undefined => {
    const window = windowOf(keyTime);
    if (!window) return denied('Invalid q-key-time.');
    if (now.getTime() > window[1]) return expired();
    return window[0] - now.getTime() > MAX_SKEW_MS ? skewed() : undefined;
  };
  return {
    minPartBytes: 1 * MIB,
    consecutiveParts: true,
    requestIdHeader: 'x-cos-request-id',
    etag: (md5) => `"${md5}"`,
    isPresigned: (url) => url.searchParams.has('q-signature'),
    checkHeaders({ req, url, key, now }) {
      const credentials = keys();
      const fields = new URLSearchParams(header(req, 'authorization') ?? '');
      if (!fields.has('q-signature')) return denied('Authorization is not a COS signature.');
      if (fields.get('q-ak') !== credentials.accessKeyId) return badKey();
      const refused = checkWindow(fields.get('q-key-time'), now) ?? tokenRefusal(header(req, 'x-cos-security-token'), credentials);
      if (refused) return refused;
      // Signed over the headers and query parameters the signature lists (document 436/7778).
      const listed = (name: string) => (fields.get(name) ?? '').split(';').filter(Boolean);
      const headerList = listed('q-header-list');
      const paramList = listed('q-url-param-list');
      if (!headerList.includes('host')) return denied('The signature must cover the Host header.');
      const theirs = COS.getAuthorization({
        SecretId: credentials.accessKeyId,
        SecretKey: credentials.accessKeySecret,
        Method: (req.method ?? 'GET') as COS.Method,
        Key: key,
        Query: Object.fromEntries([...url.searchParams].filter(([name]) => paramList.includes(name.toLowerCase()))),
        Headers: Object.fromEntries(headerList.map((name) => [name, header(req, name) ?? ''])),
        KeyTime: fields.get('q-key-time') ?? '',
      });
      return new URLSearchParams(theirs).get('q-signature') === fields.get('q-signature') ? undefined : mismatch();
    },
    async checkPresigned({ req, url, key, now }) {
      const credentials = keys();
      const q = url.searchParams;
      if (q.get('q-ak') !== credentials.accessKeyId) return badKey();
      const window = checkWindow(q.get('q-key-time'), now);
      if (window) return window;
      const theirs = COS.getAuthorization({
        SecretId: credentials.accessKeyId,
        SecretKey: credentials.accessKeySecret,
        Method: 'put',
        Key: key,
        Query: partQuery(url),
        Headers: { Host: header(req, 'host') ?? '' },
        KeyTime: q.get('q-key-time') ?? '',
      });
      if (new URLSearchParams(theirs).get('q-signature') !== q.get('q-signature')) return mismatch();
      return tokenRefusal(q.get('x-cos-security-token') ?? undefined, credentials);
    },
    errorBody: (refusal, requestId, resource) =>
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${refusal.code}</Code><Message>${xmlText(refusal.message)}</Message><Resource>${bucket}.cos.${region}.myqcloud.com${xmlText(resource)}</Resource>` +
      `<RequestId>${requestId}</RequestId><TraceId>${Buffer.from(requestId).toString('base64')}</TraceId></Error>`,
  };
}

/** OBS: "OBS ak:signature" in the header, AccessKeyId/Expires/Signature in the query; the SDK is esdk-obs-nodejs. */
function obsProfile(bucket: string, region: string, keys: () => Credentials): VendorProfile {
  /**
   * A V2 query-signed request (AWSAccessKeyId, Expires, Signature, x-amz-security-token),
   * recomputed by the SDK as it signs on this very address (is_cname, signature v2).
   */
  async function checkV2Query(req: IncomingMessage, url: URL, key: string, now: Date, credentials: Credentials): Promise<Refusal | undefined> {
    const q = url.searchParams;
    if (q.get('AWSAccessKeyId') !== credentials.accessKeyId) return badKey();
    const expires = Number(q.get('Expires'));
    if (!Number.isSafeInteger(expires)) return denied('Invalid signed URL.');
    if (now.getTime() > expires * 1000) return expired();
    const sdk = new ObsClient({
      access_key_id: credentials.accessKeyId,
      secret_access_key: credentials.accessKeySecret,
      security_token: credentials.securityToken,
      server: `http://${header(req, 'host') ?? ''}`,
      is_cname: true,
      signature: 'v2',
    });
    await new Promise((resolve) => setImmediate(resolve));
    const { SignedUrl } = atClock(new Date((expires - 1) * 1000), () =>
      sdk.createSignedUrlSync({ Method: req.method ?? 'GET', Bucket: bucket, Key: key, Expires: 1, QueryParams: url.searchParams.has('uploadId') ? partQuery(url) : {} }),
    );
    if (new URL(SignedUrl).searchParams.get('Signature') !== q.get('Signature')) return mismatch();
    return tokenRefusal(q.get('x-amz-security-token') ?? undefined, credentials);
  }

  let made: { credentials: Credentials; ready: Promise<ObsClient> } | undefined;
  /** One client per set of keys; it finishes its setup a turn after construction. */
  const sdkFor = (credentials: Credentials): Promise<ObsClient> => {
    if (made?.credentials !== credentials) {
      const sdk = new ObsClient({
        access_key_id: credentials.accessKeyId,
        secret_access_key: credentials.accessKeySecret,
        security_token: credentials.securityToken,
        server: `https://obs.${region}.myhuaweicloud.com`,
      });
      made = { credentials, ready: new Promise((resolve) => setImmediate(() => resolve(sdk))) };
    }
    return made.ready;
  };
  return {
    minPartBytes: 100 * KIB,
    consecutiveParts: false,
    requestIdHeader: 'x-obs-request-id',
    etag: (md5) => `"${md5}"`,
    isPresigned: (url) => url.searchParams.has('Signature'),
    checkHeaders({ req, url, now }) {
      const credentials = keys();
      // "OBS ak:signature" with x-obs- headers, or the S3-compatible "AWS ak:signature" with
      // x-amz- headers, which the SDK signs with on a custom domain or address (is_cname).
      const [, scheme, keyId, signature] = /^(OBS|AWS) ([^:]+):(.*)$/.exec(header(req, 'authorization') ?? '') ?? [];
      if (keyId === undefined) return denied('Authorization is not an OBS (or S3 V2) signature.');
      if (keyId !== credentials.accessKeyId) return badKey();
      const prefix = scheme === 'OBS' ? 'x-obs-' : 'x-amz-';
      const date = header(req, `${prefix}date`) ?? header(req, 'date');
      const refused = skewRefusal(date ? new Date(date) : undefined, now) ?? tokenRefusal(header(req, `${prefix}security-token`), credentials);
      if (refused) return refused;
      // "Authentication of Signature in a Header": VERB, Content-MD5, Content-Type, Date (empty
      // when the prefixed date header is sent), the prefixed headers, then the resource:
      // /bucket/key, or /<domain>/key on a custom domain.
      const headers = Object.keys(req.headers)
        .filter((name) => name.startsWith(prefix))
        .sort()
        .map((name) => `${name}:${(header(req, name) ?? '').trim()}\n`)
        .join('');
      const host = (header(req, 'host') ?? '').replace(/:\d+$/, '');
      const subResources = [...url.searchParams]
        .filter(([name]) => SUB_RESOURCES.includes(name))
        .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
        .sort();
      const resource = `/${host.startsWith(`${bucket}.`) ? bucket : host}${url.pathname}${subResources.length > 0 ? `?${subResources.join('&')}` : ''}`;
      const stringToSign = [req.method, header(req, 'content-md5') ?? '', header(req, 'content-type') ?? '', header(req, `${prefix}date`) ? '' : (header(req, 'date') ?? ''), headers + resource].join('\n');
      return createHmac('sha1', credentials.accessKeySecret).update(stringToSign, 'utf8').digest('base64') === signature ? undefined : mismatch();
    },
    async checkPresigned({ req, url, key, now }) {
      const credentials = keys();
      const q = url.searchParams;
      // The S3-compatible V2 query (AWSAccessKeyId), which the SDK signs with on a custom domain or address.
      if (q.has('AWSAccessKeyId')) return checkV2Query(req, url, key, now, credentials);
      const sdk = await sdkFor(credentials);
      if (q.get('AccessKeyId') !== credentials.accessKeyId) return badKey();
      const expires = Number(q.get('Expires'));
      if (!Number.isSafeInteger(expires)) return denied('Invalid signed URL.');
      if (now.getTime() > expires * 1000) return expired();
      // The resource signed names the bucket on its own host, the domain on a custom domain
      // (as the SDK signs with is_cname); the SDK names what it is given as the bucket.
      const host = (header(req, 'host') ?? '').replace(/:\d+$/, '');
      // createSignedUrlSync signs "now + Expires": one second before the URL's expiry, one second to live.
      const { SignedUrl } = atClock(new Date((expires - 1) * 1000), () =>
        sdk.createSignedUrlSync({
          // A part's PUT, or the signer's HEAD of an object (no sub-resources).
          Method: req.method ?? 'GET',
          Bucket: host.startsWith(`${bucket}.`) ? bucket : host,
          Key: key,
          Expires: 1,
          QueryParams: url.searchParams.has('uploadId') ? partQuery(url) : {},
          Headers: { 'Content-Type': header(req, 'content-type') ?? '' },
        }),
      );
      if (new URL(SignedUrl).searchParams.get('Signature') !== q.get('Signature')) return mismatch();
      return tokenRefusal(q.get('x-obs-security-token') ?? undefined, credentials);
    },
    errorBody: (refusal, requestId) => s3StyleError(refusal, requestId, `${bucket}.obs.${region}.myhuaweicloud.com`),
  };
}

/** `keys`: the keys the store accepts right now (a test may rotate them, as STS does). */
export function vendorProfile(vendor: StandInVendor, bucket: string, region: string, keys: () => Credentials): VendorProfile {
  switch (vendor) {
    case 'oss':
    case 'oss-v1':
      return ossProfile(vendor === 'oss' ? 'v4' : 'v1', bucket, region, keys);
    case 'cos':
      return cosProfile(bucket, region, keys);
    case 'obs':
      return obsProfile(bucket, region, keys);
  }
}
