// Links to stored objects of a private bucket (UPLOAD_PRIVATE_BUCKET=true). A private
// bucket's plain object URL answers 403, so the app asks the signer for presigned GET
// links, many keys per request, and keeps each one until shortly before it expires;
// a link wanted after that is signed again from the key (which is what history keeps).
import type { Lang, UploadFailure, UploadItem } from './types';
import type { Entry, ItemStore } from './items';
import { toFailure } from './failure';
import type { SignedLink, TicketClient } from './ticket-client';
import { SignerError, signerProblem } from './ticket-client';
import { linkFailureMessage, linkNotYoursMessage } from './messages';
import { MAX_KEYS_PER_LINKS_REQUEST } from '../contract/index';

/**
 * A link with less than this left is signed again before it is copied or previewed:
 * a pasted link should keep working for a while. Capped at half the link's lifetime,
 * so a short UPLOAD_OBJECT_URL_TTL_SECONDS does not make every use a new request.
 */
const LINK_MARGIN_MS = 5 * 60 * 1000;

/** Signing links failed; `failure` says why in the person's words (the upload itself is fine). */
export class LinkError extends Error {
  constructor(readonly failure: UploadFailure) {
    super(failure.message);
    this.name = 'LinkError';
  }
}

export interface ObjectLinks {
  /**
   * A usable link per key: cached ones with time left, the rest signed in one request
   * per MAX_KEYS_PER_LINKS_REQUEST keys. A key the signer refuses as not the caller's
   * (uploaded under another sign-in, or anonymously before one) is left out of the map and
   * the others are signed: only those are missing from a map that resolves. Rejects with a LinkError.
   */
  links(keys: readonly string[]): Promise<Map<string, SignedLink>>;
}

/** The indexes of the keys the signer refused as not the caller's (403 Forbidden naming them), if that is what `error` is. */
function refusedKeyIndexes(error: unknown, count: number): Set<number> | undefined {
  if (!(error instanceof SignerError) || error.problem.status !== 403 || error.problem.code !== 'Forbidden') return undefined;
  const named = (error.indexes ?? (error.index !== undefined ? [error.index] : [])).filter((i) => i >= 0 && i < count);
  return named.length > 0 ? new Set(named) : undefined;
}

interface Cached extends SignedLink {
  signedAtMs: number;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

export function createObjectLinks(options: { client: Pick<TicketClient, 'objectUrls'>; now: () => number; lang: Lang }): ObjectLinks {
  const cache = new Map<string, Cached>();

  /**
   * Signs `part`, leaving out the keys the signer refuses as not the caller's (it names them
   * all in one answer, so that costs one more request). Not remembered past this call: the
   * caller may change (a sign-in that failed at launch works later), and with it the answer.
   */
  const signOwn = async (part: string[]): Promise<Map<string, SignedLink>> => {
    let asking = part;
    for (;;) {
      try {
        return await options.client.objectUrls(asking);
      } catch (error) {
        const refused = refusedKeyIndexes(error, asking.length);
        if (refused === undefined) throw error;
        asking = asking.filter((_, i) => !refused.has(i));
        if (asking.length === 0) return new Map();
      }
    }
  };

  const usable = (link: Cached | undefined, at: number): link is Cached => {
    if (!link) return false;
    const margin = Math.min(LINK_MARGIN_MS, (link.expiresAtMs - link.signedAtMs) / 2);
    return link.expiresAtMs - at > margin;
  };

  return {
    async links(keys) {
      const at = options.now();
      const unique = Array.from(new Set(keys));
      const missing = unique.filter((key) => !usable(cache.get(key), at));
      if (missing.length > 0) {
        let answers: Map<string, SignedLink>[];
        try {
          answers = await Promise.all(chunks(missing, MAX_KEYS_PER_LINKS_REQUEST).map(signOwn));
        } catch (error) {
          const p = signerProblem(error);
          throw new LinkError({
            reason: p.reason,
            message: linkFailureMessage(p.reason, options.lang, { status: p.status, code: p.code, ...p.context }),
            // Every cause (signer down, a proxy page, a refused key) may be gone on the next try.
            retryable: true,
            ...(p.status !== undefined ? { status: p.status } : {}),
            ...(p.code !== undefined ? { code: p.code } : {}),
          });
        }
        for (const answer of answers) answer.forEach((link, key) => cache.set(key, { ...link, signedAtMs: at }));
      }
      const result = new Map<string, SignedLink>();
      for (const key of unique) {
        const link = cache.get(key);
        if (link) result.set(key, { url: link.url, expiresAtMs: link.expiresAtMs });
      }
      return result;
    },
  };
}

/** A done file whose link failed in a way asking again may fix (not one the signer will never sign for this caller). */
export function linkRetryable(item: UploadItem): boolean {
  return item.status === 'done' && item.link?.state === 'failed' && item.link.error?.retryable !== false;
}

/**
 * The engine's side: the files of one add() are a batch, and when the last of them
 * ends, the links of those that finished are signed in one request (not one per
 * file). A failure leaves the uploads done and their links failed, retryable unless
 * the signer refused the key as not the caller's.
 */
export function createBatchLinks(deps: { store: ItemStore; links: ObjectLinks; lang: Lang; isPrivate: () => boolean }) {
  const { store } = deps;
  const batchOf = new WeakMap<Entry, Set<Entry>>();
  const present = (entries: Iterable<Entry>) => Array.from(entries).filter((entry) => store.get(entry.item.id) === entry);

  async function sign(entries: Entry[]): Promise<void> {
    const keys = entries.map((entry) => entry.item.key as string);
    try {
      const signed = await deps.links.links(keys);
      for (const entry of present(entries)) {
        const link = signed.get(entry.item.key as string);
        if (link) store.setLink(entry, { state: 'ready', expiresAt: link.expiresAtMs }, link.url);
        // Uploaded before a sign-in that now owns the app's requests: no retry will change that.
        else store.setLink(entry, { state: 'failed', error: { reason: 'denied', message: linkNotYoursMessage(deps.lang), retryable: false, status: 403, code: 'Forbidden' } });
      }
    } catch (error) {
      const failure = error instanceof LinkError ? error.failure : toFailure(signerProblem(error), deps.lang);
      for (const entry of present(entries)) store.setLink(entry, { state: 'failed', error: failure });
    }
  }

  return {
    group(entries: Entry[]): void {
      if (!deps.isPrivate()) return;
      const batch = new Set(entries);
      for (const entry of entries) batchOf.set(entry, batch);
    },
    settled(entry: Entry): void {
      const members = present(batchOf.get(entry) ?? [entry]);
      if (members.some((m) => m.item.status === 'waiting' || m.item.status === 'uploading')) return;
      const unsigned = members.filter((m) => m.item.status === 'done' && m.item.link?.state === 'signing');
      if (unsigned.length > 0) void sign(unsigned);
    },
    /** Done entries whose link failed are asked for again, together. */
    retry(entries: Entry[]): void {
      const failed = entries.filter((entry) => entry.item.status === 'done' && entry.item.link?.state === 'failed');
      for (const entry of failed) store.setLink(entry, { state: 'signing' });
      if (failed.length > 0) void sign(failed);
    },
  };
}
