// GET /api/credentials (addition to the v1 contract): temporary credentials for the
// vendors' client-side signing flow. Only offered when the signer obtains temporary
// credentials itself (UPLOAD_STS_ROLE_ARN); otherwise 404 NotConfigured.
// Mini program code may only `import type` from here.
import type { TicketProvider, UploadLimits } from './ticket';

export interface CredentialsResponse {
  /** The signer's clock: sign with it, not the phone's, or a skewed phone makes bad signatures. */
  serverTime: string;
  provider: TicketProvider;
  /** `post` = POST policy, `put` = signed PUT; pick the same dialect the signer would. */
  method: 'post' | 'put';
  bucket: string;
  region: string;
  /** Bucket base URL uploads go to. */
  endpoint: string;
  /** Base of object links (CDN or custom domain), defaults to `endpoint`. */
  publicBaseUrl: string;
  /**
   * The only place these credentials can write (`uploads/client/2026/11/22/<random>/`):
   * keys are `keyPrefix + <16 hex> + "." + extension`.
   */
  keyPrefix: string;
  /** Lifetime for tickets the app signs; never past `credentials.expiration`. */
  ticketTtlSeconds: number;
  credentials: {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
    /** ISO 8601; fetch new credentials before this. */
    expiration: string;
  };
  limits: UploadLimits;
}
