// Removes what a JPEG says about the person before it leaves the phone: the EXIF
// block (GPS position, device serials, owner name, maker notes, the embedded
// thumbnail), XMP and Photoshop/IPTC blocks (which repeat the position and names),
// comments, and any image appended after the first one (MPF gain maps and
// depth images carry their own EXIF). The one EXIF field kept is Orientation, so
// a portrait photo still arrives upright. The compressed picture data is copied
// byte for byte: pixels never change.
//
// Why a small rewriter instead of a library: the well-known one, piexifjs, works on
// "binary strings" (a 10 MB photo becomes a 20 MB JS string), re-serialises every
// EXIF tag it understands (and drops or mangles the ones it does not), cannot find
// XMP or trailing images, and is not published for the mini program runtime without
// an npm build step. Rewriting segments needs only Uint8Array/DataView, which
// WeChat's and Alipay's JS engines have; tests check it against piexifjs (to make
// camera-style files) and exifr (to read them back).

/** JPEG markers (ITU T.81, Table B.1) this walk needs by name. */
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;
const COM = 0xfe;
/** TIFF tags (TIFF 6.0 / EXIF 2.32): Orientation in IFD0, the pointer to the GPS IFD. */
const TAG_ORIENTATION = 0x0112;
const TAG_GPS_IFD = 0x8825;
const TIFF_SHORT = 3;

const EXIF_ID = 'Exif\0\0';
const XMP_IDS = ['http://ns.adobe.com/xap/1.0/\0', 'http://ns.adobe.com/xmp/extension/\0'];
const MPF_ID = 'MPF\0';
const PHOTOSHOP_ID = 'Photoshop 3.0\0';

export interface CleanedJpeg {
  bytes: Uint8Array;
  /** Something personal was removed (the bytes differ from the input). */
  changed: boolean;
  /** A GPS block (EXIF) or GPS fields (XMP) were there and are gone. */
  hadLocation: boolean;
  /** EXIF Orientation (1–8) kept in the output; undefined when the photo had none. */
  orientation?: number;
}

/** Not a JPEG we can walk safely: the caller uploads the bytes unchanged. */
export class NotAJpegError extends Error {
  constructor(why: string) {
    super(`not a well-formed JPEG: ${why}`);
    this.name = 'NotAJpegError';
  }
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/** `id` stands at `offset` and ends by `end` (the segment's end, never just the file's: an id cut by its segment is not that id). */
function startsWith(bytes: Uint8Array, offset: number, end: number, id: string): boolean {
  if (offset + id.length > Math.min(end, bytes.length)) return false;
  for (let i = 0; i < id.length; i += 1) if (bytes[offset + i] !== id.charCodeAt(i)) return false;
  return true;
}

interface ExifFacts {
  orientation?: number;
  hasGps: boolean;
  /** The TIFF byte order ("II"), so the fresh block keeps the camera's. */
  little?: boolean;
}

/** Reads Orientation and whether a GPS pointer exists from an EXIF APP1 payload (after "Exif\0\0"). */
function readExif(bytes: Uint8Array, tiffStart: number, tiffEnd: number): ExifFacts {
  const view = new DataView(bytes.buffer, bytes.byteOffset + tiffStart, tiffEnd - tiffStart);
  if (view.byteLength < 8) return { hasGps: false };
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return { hasGps: false }; // "II" or "MM"
  const little = order === 0x4949;
  const ifd0 = view.getUint32(4, little);
  if (ifd0 + 2 > view.byteLength) return { hasGps: false, little };
  const count = view.getUint16(ifd0, little);
  const facts: ExifFacts = { hasGps: false, little };
  for (let i = 0; i < count; i += 1) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > view.byteLength) break;
    const tag = view.getUint16(entry, little);
    if (tag === TAG_GPS_IFD) facts.hasGps = true;
    if (tag === TAG_ORIENTATION && view.getUint16(entry + 2, little) === TIFF_SHORT) {
      const value = view.getUint16(entry + 8, little);
      if (value >= 1 && value <= 8) facts.orientation = value;
    }
  }
  return facts;
}

/** A fresh APP1 segment holding only Orientation, in the byte order the camera used. */
function orientationSegment(orientation: number, little: boolean): Uint8Array {
  const tiffLength = 8 + 2 + 12 + 4; // header, entry count, one entry, next-IFD offset
  const payload = EXIF_ID.length + tiffLength;
  const segment = new Uint8Array(4 + payload);
  const view = new DataView(segment.buffer);
  view.setUint16(0, 0xff00 | APP1);
  view.setUint16(2, 2 + payload);
  for (let i = 0; i < EXIF_ID.length; i += 1) segment[4 + i] = EXIF_ID.charCodeAt(i);
  const t = 4 + EXIF_ID.length;
  view.setUint16(t, little ? 0x4949 : 0x4d4d);
  view.setUint16(t + 2, 42, little);
  view.setUint32(t + 4, 8, little);
  view.setUint16(t + 8, 1, little);
  view.setUint16(t + 10, TAG_ORIENTATION, little);
  view.setUint16(t + 12, TIFF_SHORT, little);
  view.setUint32(t + 14, 1, little);
  view.setUint16(t + 18, orientation, little);
  view.setUint32(t + 22, 0, little);
  return segment;
}

/** XMP can repeat the position (exif:GPSLatitude…); said so only to word the UI honestly. */
function xmpHasGps(bytes: Uint8Array, start: number, end: number): boolean {
  const needle = 'GPSLatitude';
  for (let i = start; i + needle.length <= end; i += 1) if (bytes[i] === 0x47 && startsWith(bytes, i, end, needle)) return true;
  return false;
}

/** Markers without a length field: TEM and the restart markers RST0–7. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/**
 * The JPEG without personal metadata (see the file comment). Throws NotAJpegError
 * for bytes it cannot walk to the end of the first image; the caller then decides.
 */
export function removePersonalMetadata(input: Uint8Array): CleanedJpeg {
  if (!isJpeg(input)) throw new NotAJpegError('no SOI marker');
  const kept: Uint8Array[] = [input.subarray(0, 2)];
  let keptLength = 2;
  const keep = (part: Uint8Array) => {
    kept.push(part);
    keptLength += part.length;
  };
  let removed = false;
  let hadLocation = false;
  let orientation: number | undefined;
  let exifWritten = false;
  let offset = 2;
  let end = -1;

  while (offset < input.length) {
    if (input[offset] !== 0xff) throw new NotAJpegError(`no marker at byte ${offset}`);
    let markerAt = offset;
    while (input[markerAt + 1] === 0xff) markerAt += 1; // fill bytes before a marker
    const marker = input[markerAt + 1];
    if (marker === undefined) throw new NotAJpegError('cut short');
    if (marker === EOI) {
      end = markerAt + 2;
      keep(input.subarray(markerAt, end));
      break;
    }
    if (standalone(marker)) {
      keep(input.subarray(markerAt, markerAt + 2));
      offset = markerAt + 2;
      continue;
    }
    if (markerAt + 4 > input.length) throw new NotAJpegError('cut short');
    const length = (input[markerAt + 2] << 8) | input[markerAt + 3];
    const segmentEnd = markerAt + 2 + length;
    if (length < 2 || segmentEnd > input.length) throw new NotAJpegError(`segment 0x${marker.toString(16)} overruns the file`);
    const payload = markerAt + 4;
    let drop = false;
    const is = (id: string) => startsWith(input, payload, segmentEnd, id);
    if (marker === APP1 && is(EXIF_ID)) {
      const facts = readExif(input, payload + EXIF_ID.length, segmentEnd);
      hadLocation ||= facts.hasGps;
      drop = true;
      if (facts.orientation !== undefined && !exifWritten) {
        orientation = facts.orientation;
        keep(orientationSegment(orientation, facts.little === true));
        exifWritten = true;
      }
    } else if (marker === APP1 && XMP_IDS.some(is)) {
      hadLocation ||= xmpHasGps(input, payload, segmentEnd);
      drop = true;
    } else if ((marker === APP2 && is(MPF_ID)) || (marker === APP13 && is(PHOTOSHOP_ID)) || marker === COM) {
      drop = true;
    }
    if (drop) removed = true;
    else keep(input.subarray(markerAt, segmentEnd));
    offset = segmentEnd;
    if (marker === SOS) offset = skipScan(input, segmentEnd, keep);
  }
  if (end < 0) throw new NotAJpegError('no EOI marker');
  if (end < input.length) removed = true; // appended images (MPF) or trailing data: gone

  // Nothing left out and the one kept EXIF is byte-identical in meaning: hand back the input itself.
  if (!removed && !exifWritten) return { bytes: input, changed: false, hadLocation: false, orientation };
  const bytes = new Uint8Array(keptLength);
  let at = 0;
  for (const part of kept) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, changed: true, hadLocation, orientation };
}

/**
 * Copies entropy-coded data after a SOS header up to the next real marker (an 0xFF
 * not followed by 0x00 stuffing or a restart marker) and returns where it is.
 */
function skipScan(input: Uint8Array, from: number, keep: (part: Uint8Array) => void): number {
  let i = from;
  while (i + 1 < input.length) {
    if (input[i] === 0xff) {
      const next = input[i + 1];
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
    }
    i += 1;
  }
  if (i + 1 >= input.length) throw new NotAJpegError('scan data runs to the end without EOI');
  keep(input.subarray(from, i));
  return i;
}
