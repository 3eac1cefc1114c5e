// The few XML documents S3 answers a POST upload with, escaped by hand: five
// characters are all XML text needs, and a dependency would be heavier than this.
import type { S3Error } from './s3-error';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function errorXml(error: S3Error, resource: string, requestId: string): string {
  return (
    `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${escapeXml(requestId)}</RequestId></Error>`
  );
}

export interface PostResponseBody {
  location: string;
  bucket: string;
  key: string;
  etag: string;
}

/** What S3 answers a POST upload with when success_action_status is 201. */
export function postResponseXml(body: PostResponseBody): string {
  return (
    `${XML_DECLARATION}<PostResponse><Location>${escapeXml(body.location)}</Location>` +
    `<Bucket>${escapeXml(body.bucket)}</Bucket><Key>${escapeXml(body.key)}</Key>` +
    `<ETag>${escapeXml(body.etag)}</ETag></PostResponse>`
  );
}
