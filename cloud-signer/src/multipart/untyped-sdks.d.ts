// ali-oss and esdk-obs-nodejs ship no type declarations. Declared here, loosely, is only
// what the signer calls (the multipart stores) and what the tests cross-check or stand in
// with (signing calls); cos-nodejs-sdk-v5 ships its own.
declare module 'ali-oss' {
  interface OssOptions {
    region: string;
    bucket: string;
    accessKeyId: string;
    accessKeySecret: string;
    stsToken?: string;
    secure?: boolean;
    endpoint?: string;
    cname?: boolean;
    authorizationV4?: boolean;
    timeout?: number;
  }
  interface OssPart {
    PartNumber: string;
    ETag: string;
    Size: string;
  }
  class OSS {
    constructor(options: OssOptions);
    /** ali-oss signs at Date.now() plus `amendTimeSkewed` milliseconds. */
    options: OssOptions & { amendTimeSkewed?: number };
    signatureUrl(name: string, options?: { expires?: number; method?: string }): string;
    signatureUrlV4(method: string, expires: number, request?: object, objectName?: string): Promise<string>;
    signPostObjectPolicyV4(policy: object, date: Date): string;
    calculatePostSignature(policy: object): { OSSAccessKeyId: string; Signature: string; policy: string };
    initMultipartUpload(name: string, options?: { mime?: string }): Promise<{ uploadId: string }>;
    listParts(
      name: string,
      uploadId: string,
      query?: Record<string, string>,
    ): Promise<{ parts: OssPart | OssPart[] | undefined; isTruncated: string | boolean; nextPartNumberMarker?: string }>;
    completeMultipartUpload(name: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<unknown>;
    abortMultipartUpload(name: string, uploadId: string): Promise<unknown>;
    /** Throws for a missing object (`status` 404). */
    head(name: string): Promise<{ status: number; res: { headers: Record<string, string | undefined> } }>;
  }
  export = OSS;
}

declare module 'esdk-obs-nodejs' {
  /** Every call answers this shape: `CommonMsg.Status` ≥ 300 is the store's refusal, `Code` its error code. */
  interface ObsResult<T> {
    CommonMsg: { Status: number; Code?: string; Message?: string };
    InterfaceResult?: T;
  }
  interface ObsPart {
    PartNumber: string | number;
    ETag: string;
    Size: string | number;
  }
  class ObsClient {
    constructor(options: {
      access_key_id: string;
      secret_access_key: string;
      security_token?: string;
      server: string;
      signature?: 'obs' | 'v2' | 'v4';
      path_style?: boolean;
      /** The server is the bucket's own domain: no bucket in host or path. */
      is_cname?: boolean;
      timeout?: number;
      max_retry_count?: number;
    });
    createSignedUrlSync(param: object): { SignedUrl: string; ActualSignedRequestHeaders: Record<string, string> };
    createPostSignatureSync(param: object): { OriginPolicy: string; Policy: string; Signature: string };
    initiateMultipartUpload(param: { Bucket: string; Key: string; ContentType?: string }): Promise<ObsResult<{ UploadId: string }>>;
    listParts(param: {
      Bucket: string;
      Key: string;
      UploadId: string;
      MaxParts?: number;
      PartNumberMarker?: number;
    }): Promise<ObsResult<{ Parts?: ObsPart[]; IsTruncated?: string | boolean; NextPartNumberMarker?: string | number }>>;
    completeMultipartUpload(param: { Bucket: string; Key: string; UploadId: string; Parts: { PartNumber: number; ETag: string }[] }): Promise<ObsResult<unknown>>;
    abortMultipartUpload(param: { Bucket: string; Key: string; UploadId: string }): Promise<ObsResult<unknown>>;
    close(): void;
  }
  export = ObsClient;
}
