// ioredis's own connector, except that closing a client whose socket has already closed arms
// no timer. ioredis (6.0, as 4 and 5) answers disconnect() by ending its socket and arming a
// `disconnectTimeout` (2 s) timer to destroy it should it not close, cleared by the socket's
// 'close' event. Between reconnect attempts (a Redis that never came, or went away) that
// socket closed long ago, so nothing clears the timer and it holds the process: a SIGTERM'd
// signer, or a jest run, waited 2 s for nothing (redis/ioredis#1247). A socket that is still
// open keeps the timer, which is its guard against a peer that never answers the FIN.
import StandaloneConnector, { type StandaloneConnectionOptions } from 'ioredis/built/connectors/StandaloneConnector';

export class ClosedSocketAwareConnector extends StandaloneConnector {
  /** ioredis hands every connector its whole option object (`ConnectorConstructor` types it unknown). */
  constructor(options: unknown) {
    super(options as StandaloneConnectionOptions);
  }

  override disconnect(): void {
    if (this.stream !== undefined && this.stream.destroyed) {
      // What the base class does first; there is nothing left to end or destroy.
      this.connecting = false;
      return;
    }
    super.disconnect();
  }
}
