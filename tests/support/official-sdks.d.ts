// ali-oss and esdk-obs-nodejs ship no type declarations. Only the signing
// calls the dialect tests compare against are declared, loosely.
declare module 'ali-oss' {
  interface OssOptions {
    region: string;
    bucket: string;
    accessKeyId: string;
    accessKeySecret: string;
    stsToken?: string;
    secure?: boolean;
  }
  class OSS {
    constructor(options: OssOptions);
    signatureUrl(name: string, options?: { expires?: number; method?: string }): string;
    signatureUrlV4(method: string, expires: number, request?: object, objectName?: string): Promise<string>;
    signPostObjectPolicyV4(policy: object, date: Date): string;
    calculatePostSignature(policy: object): { OSSAccessKeyId: string; Signature: string; policy: string };
  }
  export = OSS;
}

declare module 'esdk-obs-nodejs' {
  class ObsClient {
    constructor(options: {
      access_key_id: string;
      secret_access_key: string;
      security_token?: string;
      server: string;
    });
    createSignedUrlSync(param: object): { SignedUrl: string; ActualSignedRequestHeaders: Record<string, string> };
    createPostSignatureSync(param: object): { OriginPolicy: string; Policy: string; Signature: string };
  }
  export = ObsClient;
}
