// THE one place a developer edits to point the mini program at their signer.
// (Documented in the README.) Nothing else in the app holds settings.

export interface AppConfig {
  /**
   * Where the signer runs. On a phone, 127.0.0.1 is the phone itself: use your
   * laptop's LAN address (and start the signer with HOST=0.0.0.0) or an HTTPS
   * domain registered in the mini program's "request" domain list.
   */
  signerUrl: string;
  /** Files uploading at the same time; the engine clamps it below WeChat's 10-request limit. */
  concurrency: number;
  /** Bearer token when the signer sets UPLOAD_AUTH_TOKENS; '' for none. */
  authToken: string;
  /**
   * 'server' (default): the signer signs every upload (POST /api/tickets).
   * 'client': the app signs its own uploads with temporary credentials from
   * GET /api/credentials (the signer needs UPLOAD_STS_ROLE_ARN) and crypto-js,
   * which must be built into miniprogram_npm first: `npm run pack:mp`. Unset = 'server'.
   */
  signing?: 'server' | 'client';
  /**
   * true (default): JPEG photos leave the phone without their GPS position and other
   * personal EXIF (device serial, owner, maker notes, thumbnail), keeping Orientation.
   * false: photos are sent with everything the camera wrote. Unset = true.
   */
  removeLocation?: boolean;
}

export const appConfig: AppConfig = {
  signerUrl: 'http://127.0.0.1:3000',
  concurrency: 3,
  authToken: '',
  signing: 'server',
  removeLocation: true,
};
