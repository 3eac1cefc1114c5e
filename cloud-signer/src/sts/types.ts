// What every STS vendor module produces and what the rest of the signer consumes.
import type { Credentials } from '../../../miniprogram/shared/signing/index';

/** Credentials from AssumeRole: always with a token, always with an end. */
export interface TemporaryCredentials extends Credentials {
  securityToken: string;
  expiration: Date;
}

/** A CredentialSource whose answers also say until when they are valid. */
export interface TemporaryCredentialSource {
  get(now: Date): Promise<TemporaryCredentials>;
  /** The keys handed out now and the set before (expired or not): what a log line must never quote. */
  keysInUse(): readonly TemporaryCredentials[];
  /** Whether the keys in hand are still valid enough at `now` to sign with (see CredentialSource.validAt). */
  validAt(now: Date): boolean;
}

/** Where the temporary credentials may write: put-object on `bucket/keyPrefix*`, nothing else. */
export interface UploadScope {
  bucket: string;
  /** The bucket's region (COS resources name it). */
  region: string;
  keyPrefix: string;
  /**
   * Also allow get-object there. Only for the signer's own session when the bucket is
   * private (UPLOAD_PRIVATE_BUCKET): its presigned download links are signed with these
   * credentials. Never for credentials handed to an app.
   */
  allowGet?: boolean;
  /**
   * Also allow what the signer's own calls for uploads in parts need: start, list, complete
   * and abort them, and read an object's head (a complete whose answer was lost). Only for
   * the signer's own session; an app's credentials only put objects.
   */
  multipart?: boolean;
}

/**
 * One AssumeRole call through a vendor's SDK, with a session policy narrowed to `scope`.
 * `now` is the clock the caller's own credentials are checked against (the instance
 * role's, when the signer holds no key).
 */
export type AssumeRole = (scope: UploadScope, now?: Date) => Promise<TemporaryCredentials>;

export type StsVendor = 'alibaba' | 'tencent' | 'aws';
