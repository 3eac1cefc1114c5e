// S3's error shape: an HTTP status, a code a program can branch on and a message
// a person can act on. The dev bucket answers them as S3 does, in XML.

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const malformedPost = () =>
  new S3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');

export const invalidArgument = (message: string) => new S3Error(400, 'InvalidArgument', message);

/** S3's answer to a security token it did not issue (or keys that take none). */
export const invalidToken = () => new S3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');

/** S3 prefixes every policy failure with the same words; clients match on them. */
export const policyDenied = (reason: string) => new S3Error(403, 'AccessDenied', `Invalid according to Policy: ${reason}`);

export const noSuchKey = () => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
