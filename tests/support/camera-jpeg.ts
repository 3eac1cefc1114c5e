// Camera-style JPEGs for tests, made the way a phone writes them: real pixels
// (encoded by jpeg-js), an EXIF block written by piexifjs with GPS position, make,
// model, body serial, owner, date, Orientation and an embedded thumbnail, plus an
// XMP block that repeats the position, and an MPF-style second image appended after
// the first (as iPhone gain maps are). Read back with exifr in the tests.
import piexif from 'piexifjs';
// jpeg-js comes with miniprogram-ci (jimp); it is the pure-JS codec the Node-backed wx re-encodes with too.
import jpeg from 'jpeg-js';

export const CAMERA = { make: 'Apple', model: 'iPhone 15 Pro', serial: 'F2LXK0QRPG5X', owner: 'Li Lei' };
/** West Lake, Hangzhou: what must never reach the bucket. */
export const WHERE = { latitude: 30.2431, longitude: 120.1502 };

/** Pixels that look like a photo (a gradient with seeded noise) so compression has work to do. */
export function photoPixels(width: number, height: number, seed = 1): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let state = seed;
  const noise = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % 40) - 20;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 4;
      data[i] = Math.max(0, Math.min(255, (x * 255) / width + noise()));
      data[i + 1] = Math.max(0, Math.min(255, (y * 255) / height + noise()));
      data[i + 2] = Math.max(0, Math.min(255, 128 + noise()));
      data[i + 3] = 255;
    }
  }
  return data;
}

export function encodeJpeg(width: number, height: number, quality: number, seed = 1): Buffer {
  return Buffer.from(jpeg.encode({ data: photoPixels(width, height, seed), width, height }, quality).data);
}

const toBinary = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const fromBinary = (text: string) => Buffer.from(text, 'latin1');

function xmpSegment(): Buffer {
  const xml =
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="30,14.586N" exif:GPSLongitude="120,9.012E"/>` +
    `</rdf:RDF></x:xmpmeta>`;
  const payload = Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(xml, 'utf8')]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

export interface CameraJpegOptions {
  width?: number;
  height?: number;
  quality?: number;
  orientation?: number;
  seed?: number;
  /** Default true: XMP with GPS and an appended second image, as phones write. */
  extras?: boolean;
}

/** A JPEG as a phone camera writes it, with the position in EXIF and XMP. */
export function cameraJpeg(options: CameraJpegOptions = {}): Buffer {
  const { width = 96, height = 64, quality = 95, orientation = 6, seed = 1, extras = true } = options;
  const base = encodeJpeg(width, height, quality, seed);
  const exif = piexif.dump({
    '0th': {
      [piexif.ImageIFD.Make]: CAMERA.make,
      [piexif.ImageIFD.Model]: CAMERA.model,
      [piexif.ImageIFD.Orientation]: orientation,
      [piexif.ImageIFD.Artist]: CAMERA.owner,
      [piexif.ImageIFD.DateTime]: '2026:11:22 10:15:00',
    },
    Exif: {
      [piexif.ExifIFD.DateTimeOriginal]: '2026:11:22 10:15:00',
      [piexif.ExifIFD.BodySerialNumber]: CAMERA.serial,
      [piexif.ExifIFD.CameraOwnerName]: CAMERA.owner,
    },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef]: 'N',
      [piexif.GPSIFD.GPSLatitude]: piexif.GPSHelper.degToDmsRational(WHERE.latitude),
      [piexif.GPSIFD.GPSLongitudeRef]: 'E',
      [piexif.GPSIFD.GPSLongitude]: piexif.GPSHelper.degToDmsRational(WHERE.longitude),
    },
    '1st': {},
    thumbnail: toBinary(encodeJpeg(16, 12, 50, seed)),
  } as unknown as piexif.ExifDict);
  let bytes = fromBinary(piexif.insert(exif, toBinary(base)));
  if (extras) {
    // After SOI + APP1(Exif): insert XMP, then append a second image after EOI.
    const exifEnd = 4 + bytes.readUInt16BE(4);
    const secondImage = fromBinary(piexif.insert(exif, toBinary(encodeJpeg(8, 8, 50, seed + 1))));
    bytes = Buffer.concat([bytes.subarray(0, exifEnd), xmpSegment(), bytes.subarray(exifEnd), secondImage]);
  }
  return bytes;
}

/** The decoded RGBA pixels, to show pixels are untouched. */
export function pixelsOf(bytes: Uint8Array): Buffer {
  return Buffer.from(jpeg.decode(Buffer.from(bytes), { useTArray: true }).data);
}
