// The environment the signer tests written before sign-in expect: a cloud-configured
// signer that anyone on loopback may ask (UPLOAD_ALLOW_ANONYMOUS) and no default rate
// limit or quota. A test that sets any of these keeps its own value; with
// UPLOAD_AUTH_TOKENS set, anonymous callers stay refused as the tokens ask.
export function openSignerEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...(env.UPLOAD_AUTH_TOKENS ? {} : { UPLOAD_ALLOW_ANONYMOUS: 'true' }),
    UPLOAD_RATE_PER_MINUTE: '0',
    UPLOAD_QUOTA_FILES_PER_DAY: '0',
    UPLOAD_QUOTA_BYTES_PER_DAY: '0',
    ...env,
  };
}
