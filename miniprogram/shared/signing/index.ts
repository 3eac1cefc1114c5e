// The provider dialects (pure functions, the HMAC injected) and the signing primitives
// under them. The signer and the apps run the same code through this file;
// client/ (app-only client signing) and crypto-js/ (its crypto-js binding) are separate modules.
export * from './dialects/cos-put';
export * from './dialects/cos';
export * from './dialects/dialect';
export * from './dialects/obs';
export * from './dialects/oss-v1';
export * from './dialects/oss';
export * from './dialects/policy-guard';
export * from './dialects/policy';
export * from './dialects/post-form';
export * from './dialects/post-ticket';
export * from './dialects/registry';
export * from './dialects/s3-presign';
export * from './dialects/s3';
export * from './dialects/upload-part';
export * from './primitives/crypto';
export * from './primitives/sigv4';
export * from './primitives/url-encode';
