// Gets a picked photo ready to leave the phone, before a ticket is asked for it:
// compressed unless the person chose 原图 (as WeChat's own photo sending does), and
// without its position and other personal EXIF (core/jpeg-metadata.ts). The ticket
// is then asked for exactly these bytes: the signer binds the exact size.
// Only JPEG is touched: compressImage's quality applies to JPEG only, and a PNG or
// GIF re-encoded as JPEG would lose transparency or animation. Videos are left alone.
import type { PhotoTools, PickedFile } from '../core/index';
import { effectiveType, removePersonalMetadata } from '../core/index';

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

const toBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

export async function preparePhoto(file: PickedFile, options: PrepareOptions, tools: PhotoTools): Promise<PreparedFile> {
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
export async function preparePhotos(files: PickedFile[], options: PrepareOptions, tools: PhotoTools): Promise<PreparedFile[]> {
  const out: PreparedFile[] = [];
  for (const file of files) out.push(await preparePhoto(file, options, tools));
  return out;
}
