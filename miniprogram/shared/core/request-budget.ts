// WeChat allows 10 network requests at once, request, uploadFile and downloadFile
// together (WeChat's network docs). Past it calls queue
// or fail, so the app keeps itself within it: transfers (whole files and parts) take at
// most TRANSFER_SLOTS through the engine's queue, and every JSON call to the signer
// (tickets, sign-in, the multipart steps, links) goes through the few slots left. A
// file in parts signs its next URLs while its parts are sending, so without this the
// signer calls of several large files came on top of 8 transfers.
import type { Transport } from './ports';
import { ConcurrencyQueue } from './queue';

export const PLATFORM_REQUEST_LIMIT = 10;
/** Uploads and parts at once (the engine's queue), at most. */
export const TRANSFER_SLOTS = 8;
/** The signer's JSON calls at once: what the transfers leave of the platform's limit. */
export const SIGNER_REQUEST_SLOTS = PLATFORM_REQUEST_LIMIT - TRANSFER_SLOTS;

const budgeted = new WeakSet<Transport>();

/**
 * `transport` with its `request` calls held to SIGNER_REQUEST_SLOTS at once (waiting in
 * order for a free one); uploads and parts pass through, since the engine's queue holds
 * them to TRANSFER_SLOTS. A transport already wrapped is returned as it is, so the app's
 * session and engine share one budget.
 */
export function withRequestBudget(transport: Transport): Transport {
  if (budgeted.has(transport)) return transport;
  const slots = new ConcurrencyQueue(SIGNER_REQUEST_SLOTS);
  const wrapped: Transport = {
    request(request) {
      return new Promise((resolve, reject) => {
        void slots.run(() => transport.request(request).then(resolve, reject));
      });
    },
    upload: (request) => transport.upload(request),
    ...(transport.putPart ? { putPart: (request) => transport.putPart!(request) } : {}),
  };
  budgeted.add(wrapped);
  return wrapped;
}
