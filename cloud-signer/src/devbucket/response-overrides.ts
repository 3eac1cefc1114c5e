// GetObject's response-* query parameters: a signed link may ask for other response
// headers (say, Content-Disposition: attachment). S3 honours them only on
// authenticated requests, which for the dev bucket means a verified presigned GET of a
// private bucket; an anonymous read asking for them gets S3's 400 InvalidRequest.
import { S3Error, invalidArgument } from './s3-error';

/** The overrides S3 documents for GetObject, and the header each sets. */
const OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};
/** What Node lets into a header value: no control characters (no CR/LF: no header injection). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Header name → value asked for by the query of `url`; `signed` says whether the request was a verified presigned one. */
export function responseOverrides(url: string, signed: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of new URL(url, 'http://dev-bucket').searchParams) {
    if (!name.startsWith('response-')) continue;
    if (!signed) throw new S3Error(400, 'InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
    const header = OVERRIDES[name];
    if (header === undefined) continue;
    if (!HEADER_VALUE.test(value)) throw invalidArgument(`The value of ${name} cannot be sent as a header.`);
    headers[header] = value;
  }
  return headers;
}
