// The app's long-lived objects (engine, history, words) built around a platform,
// whichever it is: WeChat's services.ts and Alipay's alipay/services.ts each pass
// their own adapter. Platform-free, so both roots share it.
import { appConfig, type AppConfig } from '../../config';
import { createUploadEngine } from '../core/index';
import { createUploadHistory, historyEntryFrom, type UploadHistory } from '../core/index';
import type { UploadEngineApi } from '../core/index';
import { uiMessages, type UiMessages } from './i18n';
import type { AppPlatform } from '../core/index';
import type { ClientSigningOptions, SignTicket } from '../core/index';
import { createSessionKeeper, withRequestBudget, type SessionKeeper } from '../core/index';

export interface AppServices<P extends AppPlatform = AppPlatform> {
  config: AppConfig;
  platform: P;
  engine: UploadEngineApi;
  history: UploadHistory;
  messages: UiMessages;
  /** The app's clock (ms); pages word "今天 10:03" against it. Tests pin it. */
  now?: () => number;
  /** The signed-in session, when the platform can log in (Platform.loginCode). */
  session?: SessionKeeper;
}

export interface AppServiceOptions<P extends AppPlatform> {
  config?: AppConfig;
  /**
   * Loads the client-side signing code (crypto-js) for `signing: 'client'`, lazily: a
   * platform passes a function that requires it only when first called. Absent: the
   * platform cannot sign in the app, and client mode says so on the first upload.
   */
  loadClientSigner?: () => SignTicket;
  /** Builds the engine; tests pass a fake or a real engine over a scripted transport. */
  createEngine?: (platform: P, config: AppConfig) => UploadEngineApi;
  now?: () => number;
}

function clientSigning(platform: AppPlatform, load: (() => SignTicket) | undefined): ClientSigningOptions {
  return {
    loadSigner: () => {
      if (!load) throw new Error('no client-side signing on this platform');
      return load();
    },
    secureRandom: platform.secureRandom ? (length) => platform.secureRandom!(length) : undefined,
  };
}

export function buildAppServices<P extends AppPlatform>(platform: P, options: AppServiceOptions<P> = {}): AppServices<P> {
  const config = options.config ?? appConfig;
  const now = options.now ?? (() => Date.now());
  const lang = platform.language();
  const loginCode = platform.loginCode;
  // The session's and the engine's signer calls share one budget within the platform's request limit.
  const transport = withRequestBudget(platform);
  const session = loginCode
    ? createSessionKeeper({
        signerUrl: config.signerUrl,
        transport,
        platform: platform.name,
        loginCode: () => loginCode.call(platform),
        authToken: config.authToken,
        now,
      })
    : undefined;
  const engine = options.createEngine
    ? options.createEngine(platform, config)
    : createUploadEngine({
        signerUrl: config.signerUrl,
        transport,
        lang,
        concurrency: config.concurrency,
        authToken: config.authToken,
        session,
        storage: platform.storage,
        clientSigning: config.signing === 'client' ? clientSigning(platform, options.loadClientSigner) : undefined,
      });
  const history = createUploadHistory(platform.storage);
  // Recorded here rather than in a page so an upload that finishes while another
  // page is showing still lands in the history, exactly once.
  engine.on('settled', (item) => {
    const entry = historyEntryFrom(item, now);
    if (entry) history.add(entry);
  });
  // Uploads in parts cut when the app goes to the background pause, and go on when it is back.
  platform.onAppVisibility?.((visible) => engine.setAppVisible(visible));
  // Signed in at launch, silently, so the first upload does not wait for it. A failure
  // here is not shown: the first /api/* call signs in again and says why if it fails.
  if (session) void session.token().catch(() => undefined);
  return { config, platform, engine, history, messages: uiMessages(lang), now, ...(session ? { session } : {}) };
}
