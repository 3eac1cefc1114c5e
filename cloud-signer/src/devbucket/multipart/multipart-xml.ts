// The XML of S3's multipart operations: the three answers, and the one request body
// (CompleteMultipartUpload) read back. That body has a fixed, flat shape of
// <Part><PartNumber/><ETag/></Part> elements, so a strict pattern reads it; anything
// else in it is refused as MalformedXML rather than guessed at.
import { S3Error } from '../s3-error';
import { escapeXml } from '../xml';
import type { PartRecord } from './upload-store';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export const malformedXml = () =>
  new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');

export function initiateResultXml(bucket: string, key: string, uploadId: string): string {
  return (
    `${XML_DECLARATION}<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}"><Bucket>${escapeXml(bucket)}</Bucket>` +
    `<Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`
  );
}

export interface ListPartsPage {
  bucket: string;
  key: string;
  uploadId: string;
  marker: number;
  maxParts: number;
  parts: PartRecord[];
  truncated: boolean;
}

export function listPartsXml(page: ListPartsPage): string {
  const parts = page.parts
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified>` +
        `<ETag>${escapeXml(p.etag)}</ETag><Size>${p.size}</Size></Part>`,
    )
    .join('');
  // Only on a truncated page, as S3 does: the SDK's paginator stops when it is absent.
  const next = page.truncated ? `<NextPartNumberMarker>${page.parts[page.parts.length - 1].partNumber}</NextPartNumberMarker>` : '';
  return (
    `${XML_DECLARATION}<ListPartsResult xmlns="${S3_NAMESPACE}"><Bucket>${escapeXml(page.bucket)}</Bucket>` +
    `<Key>${escapeXml(page.key)}</Key><UploadId>${page.uploadId}</UploadId>` +
    `<PartNumberMarker>${page.marker}</PartNumberMarker>${next}` +
    `<MaxParts>${page.maxParts}</MaxParts><IsTruncated>${page.truncated}</IsTruncated>${parts}</ListPartsResult>`
  );
}

export function completeResultXml(location: string, bucket: string, key: string, etag: string): string {
  return (
    `${XML_DECLARATION}<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}"><Location>${escapeXml(location)}</Location>` +
    `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></CompleteMultipartUploadResult>`
  );
}

export interface RequestedPart {
  partNumber: number;
  /** Hex MD5 without quotes. */
  etag: string;
}

const DOCUMENT = /^\s*(?:<\?xml[^?]*\?>\s*)?<CompleteMultipartUpload(?:\s+xmlns="[^"]*")?\s*>([\s\S]*)<\/CompleteMultipartUpload>\s*$/;
// Parts are cut out with indexOf, not a regex: `<Part>\s*([\s\S]*?)\s*<\/Part>` backtracked in
// cubic time on a <Part> followed by spaces and no </Part> (8,000 spaces: 219 s of a frozen signer).
const PART_OPEN = '<Part>';
const PART_CLOSE = '</Part>';
const FIELD = /^\s*<(PartNumber|ETag)>([^<]*)<\/\1>/;
// Checksum fields the SDK may add per part; accepted and ignored, as a store without checksums would.
const IGNORED_FIELD = /^\s*<(Checksum[A-Z0-9]+)>[^<]*<\/\1>/;

/** The parts a CompleteMultipartUpload body names, in its order. */
export function parseCompleteBody(xml: string): RequestedPart[] {
  const document = DOCUMENT.exec(xml);
  if (!document) throw malformedXml();
  const body = document[1];
  const parts: RequestedPart[] = [];
  for (let at = 0; ; ) {
    while (at < body.length && /\s/.test(body[at])) at += 1;
    if (at === body.length) break;
    if (!body.startsWith(PART_OPEN, at)) throw malformedXml();
    const end = body.indexOf(PART_CLOSE, at + PART_OPEN.length);
    if (end < 0) throw malformedXml();
    // Trimmed once: trimming per field re-scanned a long trailing run every time.
    let inner = body.slice(at + PART_OPEN.length, end).trim();
    at = end + PART_CLOSE.length;
    const values = new Map<string, string>();
    while (inner.trim() !== '') {
      const field = FIELD.exec(inner) ?? IGNORED_FIELD.exec(inner);
      if (!field) throw malformedXml();
      if (field.length > 2) values.set(field[1], field[2]);
      inner = inner.slice(field[0].length);
    }
    const number = values.get('PartNumber') ?? '';
    const etag = (values.get('ETag') ?? '').replace(/&quot;|"/g, '').toLowerCase();
    if (!/^\d{1,5}$/.test(number) || !/^[0-9a-f]{32}$/.test(etag)) throw malformedXml();
    parts.push({ partNumber: Number(number), etag });
  }
  return parts;
}
