// A loopback stand-in for one bucket on Alibaba OSS, Tencent COS or Huawei OBS that
// speaks the vendor's multipart API, for the signer's multipart stores (the real SDKs)
// and the parts the tests PUT to presigned URLs. It follows the vendors' API references:
// - OSS: InitiateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload,
//   AbortMultipartUpload (help.aliyun.com, Object Storage Service API reference) and its
//   error pages: 0042-00000209 (InvalidPartOrder), 0042-00000213 (EntityTooSmall, parts
//   but the last ≥ 100 KB), 0017-00000244 (NoSuchUpload), and "InvalidPart error for a
//   multipart upload" (a listed part missing or its ETag not matching);
// - COS: Initiate Multipart Upload, Upload Part, List Parts, Complete Multipart Upload
//   (document 436/7742: 400 EntityTooSmall under 1 MB, 400 InvalidPart for numbers with gaps,
//   400 InvalidPartOrder, 404 NoSuchUpload), Abort Multipart Upload (cloud.tencent.com);
// - OBS: Initiating a Multipart Upload, Uploading Parts (100 KB to 5 GB but the last), Listing
//   Uploaded Parts (obs_04_0101), Merging Parts, Canceling a Multipart Upload Task
//   (obs_04_0103: 204, 403 AccessDenied for a bad AK or signature) and error code NoSuchUpload
//   (obs_errorcode_0026) (support.huaweicloud.com, api-obs).
// Each answers XML in the vendor's shape (ListPartsResult with PartNumberMarker,
// NextPartNumberMarker, MaxParts, IsTruncated and Part{PartNumber, LastModified, ETag,
// Size}); errors are <Error><Code>…</Code><Message>…</Message>… with the vendor's
// request-id header. Who may call is checked as multipart-stand-in-vendors.ts says: an
// SDK call by its Authorization header (our key id, our token, a date within 15 minutes,
// and the signature our secret gives for this bucket over what was sent: OSS V4/V1 through
// ali-oss's own signing functions, COS through getAuthorization over the headers and
// parameters it lists, OBS as its "Authentication of Signature in a Header" describes),
// a part URL by recomputing it with the vendor's official SDK (403 when it differs or has
// expired). Nothing is visible until a complete succeeds; an abort forgets the parts.
// Objects are kept in memory and read back with `object(key)`; over HTTP only HEAD
// answers for them (OSS HeadObject, COS HEAD Object, OBS Querying Object Metadata: the
// object's length and ETag, OBS also x-obs-uploadId as obs_04_0102 describes, or 404 with
// no body), which the signer asks when a complete's
// answer was lost. `loseAnswer` makes that happen: the store does the work, then the
// connection drops before a byte of the answer, as a timeout or a cut link does.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../../miniprogram/shared/signing';
import { vendorProfile, type Refusal, type StandInVendor, type VendorProfile } from './multipart-stand-in-vendors';

export type { StandInVendor } from './multipart-stand-in-vendors';

export type StandInOperation = 'initiate' | 'uploadPart' | 'listParts' | 'complete' | 'abort' | 'head';

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
  etag: string;
  /** The upload that assembled it (OBS answers it in a HEAD as x-obs-uploadId). */
  uploadId: string;
}

export interface StandInOptions {
  vendor: StandInVendor;
  bucket: string;
  /** `cn-hangzhou`, `ap-guangzhou`, `cn-north-4`: the region the part URLs are signed for. */
  region: string;
  /** The only keys the store accepts (with the token when they are temporary ones); a function when a test rotates them. */
  credentials: Credentials | (() => Credentials);
  /** The store's clock (expiry and skew are judged by it). */
  now?: () => Date;
  /** Parts per ListParts page (the stores' default is 1,000); small to make the signer page. */
  maxPartsPerPage?: number;
}

export interface MultipartStandIn {
  /** `http://127.0.0.1:<port>`: the bucket's endpoint, as UPLOAD_ENDPOINT. */
  endpoint: string;
  object(key: string): StoredObject | undefined;
  /** Uploads started and neither completed nor aborted. */
  openUploads(): number;
  /** Every request answered, by operation, with its status: what the store saw. */
  log: { operation: StandInOperation | 'other'; presigned: boolean; status: number }[];
  /** Answer every `operation` after authentication with this error, until `allow()`. */
  refuse(operation: StandInOperation, refusal: Refusal): void;
  allow(): void;
  /** Puts an object in the bucket as something other than the signer's uploads would. */
  plant(key: string, object: StoredObject): void;
  /** The next `operation` is carried out, then its connection is dropped without an answer. */
  loseAnswer(operation: StandInOperation): void;
  close(): Promise<void>;
}

interface StoredPart {
  bytes: Buffer;
  md5: string;
  etag: string;
  lastModified: Date;
}

interface Upload {
  key: string;
  contentType: string;
  parts: Map<number, StoredPart>;
}

const MAX_PARTS = 10_000;
const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unquote = (etag: string) => etag.replace(/&quot;/g, '"').trim().replace(/^"|"$/g, '');

function operationOf(method: string, url: URL): StandInOperation | 'other' {
  const q = url.searchParams;
  if (method === 'POST' && q.has('uploads')) return 'initiate';
  if (method === 'PUT' && q.has('partNumber') && q.has('uploadId')) return 'uploadPart';
  if (method === 'GET' && q.has('uploadId')) return 'listParts';
  if (method === 'POST' && q.has('uploadId')) return 'complete';
  if (method === 'DELETE' && q.has('uploadId')) return 'abort';
  if (method === 'HEAD' && !q.has('uploadId') && !q.has('uploads')) return 'head';
  return 'other';
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parts a CompleteMultipartUpload body lists, in its order. */
function listedParts(body: string): { partNumber: number; etag: string }[] | undefined {
  if (!/<CompleteMultipartUpload[\s>]/.test(body)) return undefined;
  const parts: { partNumber: number; etag: string }[] = [];
  for (const [, inner] of body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const partNumber = Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(inner)?.[1]);
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(inner)?.[1];
    if (!Number.isSafeInteger(partNumber) || etag === undefined) return undefined;
    parts.push({ partNumber, etag: unquote(etag) });
  }
  return parts;
}

export async function startMultipartStandIn(options: StandInOptions): Promise<MultipartStandIn> {
  const { bucket } = options;
  const now = options.now ?? (() => new Date());
  const pageSize = options.maxPartsPerPage ?? 1000;
  const { credentials } = options;
  const profile: VendorProfile = vendorProfile(options.vendor, bucket, options.region, typeof credentials === 'function' ? credentials : () => credentials);
  const uploads = new Map<string, Upload>();
  const objects = new Map<string, StoredObject>();
  const refusals = new Map<StandInOperation, Refusal>();
  const answersToLose = new Set<StandInOperation>();
  const log: MultipartStandIn['log'] = [];

  const noSuchUpload: Refusal = {
    status: 404,
    code: 'NoSuchUpload',
    message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  };
  const invalidPart = (n: number): Refusal => ({
    status: 400,
    code: 'InvalidPart',
    message: `One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag (part ${n}).`,
  });

  /**
   * The object key of a request: the endpoint is the bucket's own base URL (as UPLOAD_ENDPOINT
   * is, and as the part URLs address it), so the whole path is the key. A store call that put
   * the bucket in the path would name another object than the part URLs do, as it would on
   * the vendor's custom domain.
   */
  function keyOf(url: URL): string {
    return url.pathname.split('/').slice(1).map(decodeURIComponent).join('/');
  }

  function initiate(req: http.IncomingMessage, key: string): string {
    const uploadId = randomBytes(16).toString('hex').toUpperCase();
    uploads.set(uploadId, { key, contentType: String(req.headers['content-type'] ?? 'application/octet-stream'), parts: new Map() });
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${xmlText(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`
    );
  }

  function uploadOf(url: URL, key: string): Upload | Refusal {
    const upload = uploads.get(url.searchParams.get('uploadId') ?? '');
    return upload && upload.key === key ? upload : noSuchUpload;
  }

  function listParts(upload: Upload, url: URL): string {
    const marker = Number(url.searchParams.get('part-number-marker') ?? 0) || 0;
    const max = Math.min(Number(url.searchParams.get('max-parts') ?? pageSize) || pageSize, pageSize);
    const after = [...upload.parts.entries()].filter(([n]) => n > marker).sort(([a], [b]) => a - b);
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    const next = page.length > 0 ? page[page.length - 1][0] : marker;
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<ListPartsResult><Bucket>${bucket}</Bucket><Key>${xmlText(upload.key)}</Key><UploadId>${url.searchParams.get('uploadId')}</UploadId>` +
      `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${next}</NextPartNumberMarker><MaxParts>${max}</MaxParts>` +
      `<IsTruncated>${truncated}</IsTruncated>` +
      page
        .map(
          ([n, part]) =>
            `<Part><PartNumber>${n}</PartNumber><LastModified>${part.lastModified.toISOString()}</LastModified><ETag>${xmlText(part.etag)}</ETag><Size>${part.bytes.length}</Size></Part>`,
        )
        .join('') +
      '</ListPartsResult>'
    );
  }

  /** The checks of CompleteMultipartUpload, in the vendors' order: body, order, each part, sizes. */
  function complete(upload: Upload, uploadId: string, body: string): string | Refusal {
    const listed = listedParts(body);
    if (!listed || listed.length === 0) return { status: 400, code: 'MalformedXML', message: 'The XML you provided was not well-formed.' };
    for (let i = 1; i < listed.length; i++) {
      if (listed[i].partNumber <= listed[i - 1].partNumber) {
        return { status: 400, code: 'InvalidPartOrder', message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.' };
      }
    }
    const chosen: StoredPart[] = [];
    for (const [i, { partNumber, etag }] of listed.entries()) {
      const part = upload.parts.get(partNumber);
      if (!part || unquote(part.etag) !== etag) return invalidPart(partNumber);
      if (profile.consecutiveParts && partNumber !== i + 1) return invalidPart(partNumber);
      chosen.push(part);
    }
    if (chosen.slice(0, -1).some((part) => part.bytes.length < profile.minPartBytes)) {
      return { status: 400, code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size.' };
    }
    const bytes = Buffer.concat(chosen.map((part) => part.bytes));
    const digest = createHash('md5');
    for (const part of chosen) digest.update(Buffer.from(part.md5, 'hex'));
    const etag = profile.etag(digest.digest('hex')).replace(/"$/, `-${chosen.length}"`);
    objects.set(upload.key, { bytes, contentType: upload.contentType, etag, uploadId });
    uploads.delete(uploadId);
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<CompleteMultipartUploadResult><Location>${endpoint}/${xmlText(upload.key)}</Location><Bucket>${bucket}</Bucket>` +
      `<Key>${xmlText(upload.key)}</Key><ETag>${xmlText(etag)}</ETag></CompleteMultipartUploadResult>`
    );
  }

  async function answer(
    req: http.IncomingMessage,
    url: URL,
    operation: StandInOperation | 'other',
    presigned: boolean,
  ): Promise<{ status: number; body?: string; etag?: string; head?: StoredObject } | Refusal> {
    const at = now();
    const key = keyOf(url);
    // Who is calling comes first, as on the stores: a bad key or signature is 403 whatever else is wrong.
    const auth = presigned ? await profile.checkPresigned({ req, url, key, now: at }) : profile.checkHeaders({ req, url, key, now: at });
    if (auth) return auth;
    if (operation === 'other' || key === '') return { status: 405, code: 'MethodNotAllowed', message: 'This stand-in speaks only the multipart API.' };
    const refusal = refusals.get(operation);
    if (refusal) return refusal;
    if (operation === 'initiate') return { status: 200, body: initiate(req, key) };
    if (operation === 'head') {
      const found = objects.get(key);
      return found ? { status: 200, head: found } : { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    }
    const upload = uploadOf(url, key);
    if ('code' in upload) return upload;
    const uploadId = url.searchParams.get('uploadId')!;
    switch (operation) {
      case 'uploadPart': {
        const partNumber = Number(url.searchParams.get('partNumber'));
        if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
          return { status: 400, code: 'InvalidArgument', message: 'Part number must be an integer between 1 and 10000, inclusive.' };
        }
        const bytes = await readBody(req);
        if (bytes.length > MAX_PART_BYTES) return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size.' };
        // Abandoned while the body was arriving: the part has nowhere to go.
        if (!uploads.has(uploadId)) return noSuchUpload;
        const md5 = createHash('md5').update(bytes).digest('hex');
        const part = { bytes, md5, etag: profile.etag(md5), lastModified: at };
        upload.parts.set(partNumber, part);
        return { status: 200, etag: part.etag };
      }
      case 'listParts':
        return { status: 200, body: listParts(upload, url) };
      case 'complete': {
        const done = complete(upload, uploadId, (await readBody(req)).toString('utf8'));
        return typeof done === 'string' ? { status: 200, body: done } : done;
      }
      case 'abort':
        uploads.delete(uploadId);
        return { status: 204 };
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const operation = operationOf(req.method ?? 'GET', url);
    const presigned = profile.isPresigned(url);
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const send = (status: number, headers: Record<string, string>, body?: string) => {
      log.push({ operation, presigned, status });
      res.writeHead(status, { [profile.requestIdHeader]: requestId, Date: now().toUTCString(), ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) });
      res.end(body);
    };
    answer(req, url, operation, presigned)
      .then((result) => {
        // Whatever body a refused request still sends is read and dropped, so the client hears the answer.
        req.resume();
        if (answersToLose.delete(operation as StandInOperation) && !('code' in result)) {
          log.push({ operation, presigned, status: 0 });
          req.socket.destroy();
          return;
        }
        if (req.method === 'HEAD') {
          // A HEAD's answer has headers only, a refusal's too (the stores send no error body).
          log.push({ operation, presigned, status: result.status });
          const head = 'head' in result ? result.head : undefined;
          res.writeHead(result.status, {
            [profile.requestIdHeader]: requestId,
            Date: now().toUTCString(),
            ...(head ? { 'Content-Type': head.contentType, 'Content-Length': String(head.bytes.length), ETag: head.etag } : {}),
            ...(head && options.vendor === 'obs' ? { 'x-obs-uploadId': head.uploadId } : {}),
          });
          res.end();
        } else if ('code' in result) {
          send(result.status, { 'Content-Type': 'application/xml' }, profile.errorBody(result, requestId, url.pathname));
        } else {
          send(result.status, { ...(result.body ? { 'Content-Type': 'application/xml' } : {}), ...(result.etag ? { ETag: result.etag } : {}) }, result.body ?? '');
        }
      })
      .catch((error) => {
        req.resume();
        send(500, { 'Content-Type': 'application/xml' }, profile.errorBody({ status: 500, code: 'InternalError', message: String(error) }, requestId, url.pathname));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    object: (key) => objects.get(key),
    openUploads: () => uploads.size,
    log,
    refuse: (operation, refusal) => refusals.set(operation, refusal),
    allow: () => {
      refusals.clear();
      answersToLose.clear();
    },
    loseAnswer: (operation) => answersToLose.add(operation),
    plant: (key, object) => objects.set(key, object),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
