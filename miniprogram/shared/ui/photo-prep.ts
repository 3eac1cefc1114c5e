// Gets a picked photo ready to leave the phone, before a ticket is asked for it:
// compressed unless the person chose 原图 (as WeChat's own photo sending does), and
// without its position and other personal EXIF (core/jpeg-metadata.ts). The ticket
// is then asked for exactly these bytes: the signer binds the exact size.
// Only JPEG is touched: compressImage's quality applies to JPEG only, and a PNG or
// GIF re-encoded as JPEG would lose transparency or animation. Videos are left alone.
import type { PhotoTools, PickedFile } from '../core/index';
import { effectiveType, NotAJpegError, removePersonalMetadata } from '../core/index';

/** WeChat's compressImage default; visibly the same photo at roughly a third of the bytes. */
export const COMPRESS_QUALITY = 80;

export interface PrepareOptions {
  /** 原图: send the picked file's own pixels (still without location). */
  original: boolean;
  /** App config `removeLocation` (default on). */
  removeLocation: boolean;
  /** Where a step that fell back is told, for the developer (never the person). */
  log?: (message: string, error: unknown) => void;
}

export interface PreparedFile extends PickedFile {
  /** The picked file's size, for "原图 31 MB". */
  originalSize: number;
  /** A position was found in the photo and removed. */
  locationRemoved: boolean;
}

/** A photo whose personal metadata could not be removed (its clean copy could not be written, storage full most likely, or it could not be read): it is not sent. */
export interface UncleanedPhoto {
  file: PickedFile;
  error: unknown;
}

/** What preparing a batch gave: the files to send, and the photos held back. */
export interface PreparedBatch {
  files: PreparedFile[];
  uncleaned: UncleanedPhoto[];
}

const toBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

/**
 * The photo ready to send, or an UncleanedPhoto when it carries personal metadata
 * that could not be removed: sending the original then would send its position.
 */
export async function preparePhoto(file: PickedFile, options: PrepareOptions, tools: PhotoTools): Promise<PreparedFile | UncleanedPhoto> {
  const prepared: PreparedFile = { ...file, originalSize: file.size, locationRemoved: false };
  if (file.kind !== 'image' || effectiveType(file) !== 'image/jpeg') return prepared;
  const log = options.log ?? (() => undefined);

  if (!options.original) {
    try {
      const path = await tools.compressImage(file.path, COMPRESS_QUALITY);
      const size = await tools.fileSize(path);
      // A small or already compressed photo can come back larger: then the original is the better copy.
      if (size > 0 && size < prepared.size) Object.assign(prepared, { path, size });
    } catch (error) {
      log('compressImage failed; the photo goes uncompressed', error);
    }
  }

  if (options.removeLocation) {
    try {
      const cleaned = removePersonalMetadata(new Uint8Array(await tools.readFile(prepared.path)));
      if (cleaned.changed) {
        const path = await tools.writeTempFile(toBuffer(cleaned.bytes), 'jpg');
        Object.assign(prepared, { path, size: cleaned.bytes.length, locationRemoved: cleaned.hadLocation });
      }
    } catch (error) {
      if (!(error instanceof NotAJpegError)) {
        // The photo could not be read or its clean copy written (the app's storage full): what it
        // carries is unknown or known to be personal, so it stays on the phone. A compressed copy goes too.
        if (prepared.path !== file.path) tools.removeTempFile(prepared.path);
        log('could not write the photo without its metadata; it is not sent', error);
        return { file, error };
      }
      // Not a JPEG we can walk (mislabelled or damaged): sent as it is, and the card claims nothing.
      log('could not remove metadata; the photo goes unchanged', error);
    }
  }
  // The tile keeps showing the picked file: the prepared copy is deleted once uploaded.
  if (prepared.path !== file.path) Object.assign(prepared, { thumbPath: file.path, preparedCopy: true });
  return prepared;
}

/**
 * The copy preparing made for this file, if any: to delete once it is no longer needed.
 * The mark travels with a saved upload in parts, so a file continued on a later launch
 * (继续上传) still has its copy deleted when it is done.
 */
export function preparedCopy(file: PickedFile): string | undefined {
  return file.preparedCopy ? file.path : undefined;
}

/** Prepares a batch one photo at a time: a phone holding nine 10 MB photos in memory at once could run out. */
export async function preparePhotos(files: PickedFile[], options: PrepareOptions, tools: PhotoTools): Promise<PreparedBatch> {
  const batch: PreparedBatch = { files: [], uncleaned: [] };
  for (const file of files) {
    const prepared = await preparePhoto(file, options, tools);
    if ('error' in prepared) batch.uncleaned.push(prepared);
    else batch.files.push(prepared);
  }
  return batch;
}
