// The JPEG rewriter against camera-style files made with piexifjs and read back with
// exifr (an independent EXIF/XMP reader): no position, serial or owner survives,
// Orientation does, and the picture data is the same bytes (so the same pixels).
import exifr from 'exifr';
import { isJpeg, NotAJpegError, removePersonalMetadata } from '../../miniprogram/shared/core/jpeg-metadata';
import { CAMERA, cameraJpeg, encodeJpeg, pixelsOf, WHERE } from '../support/camera-jpeg';

const everything = { tiff: true, exif: true, gps: true, xmp: true, iptc: true, icc: false, interop: true, ifd1: true, mergeOutput: false };

/** The scan data (from the first SOS after the EXIF block, whose thumbnail has its own, to EOI): the picture itself. */
function scanOf(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  const afterExif = b[3] === 0xe1 ? 4 + b.readUInt16BE(4) : 2;
  const start = b.indexOf(Buffer.from([0xff, 0xda]), afterExif);
  return b.subarray(start, b.indexOf(Buffer.from([0xff, 0xd9]), start) + 2);
}

describe('removePersonalMetadata', () => {
  it('the camera file really carries what must go (the test would prove nothing otherwise)', async () => {
    const original = cameraJpeg();
    const gps = await exifr.gps(original);
    expect(gps.latitude).toBeCloseTo(WHERE.latitude, 3);
    expect(gps.longitude).toBeCloseTo(WHERE.longitude, 3);
    const tags = await exifr.parse(original, everything);
    expect(tags.exif.SerialNumber).toBe(CAMERA.serial);
    expect(tags.exif.OwnerName).toBe(CAMERA.owner);
    expect(tags.ifd0.Make).toBe(CAMERA.make);
    expect(tags.ifd1.ThumbnailLength).toBeGreaterThan(0);
    expect(tags.exif.GPSLatitude).toBe('30,14.586N'); // exifr files the XMP exif: namespace under exif
    expect(await exifr.orientation(original)).toBe(6);
  });

  it('removes GPS, serial, owner, make, thumbnail, XMP and the appended image, and keeps Orientation', async () => {
    const original = cameraJpeg({ orientation: 6 });
    const cleaned = removePersonalMetadata(original);
    expect(cleaned).toMatchObject({ changed: true, hadLocation: true, orientation: 6 });
    const bytes = Buffer.from(cleaned.bytes);
    expect(await exifr.gps(bytes)).toBeUndefined();
    const tags = (await exifr.parse(bytes, everything)) ?? {};
    expect(tags.gps).toBeUndefined();
    expect(tags.exif).toBeUndefined();
    expect(tags.ifd1).toBeUndefined();
    expect(tags.xmp).toBeUndefined();
    expect(tags.ifd0).toEqual({ Orientation: expect.anything() });
    expect(await exifr.orientation(bytes)).toBe(6);
    for (const secret of [CAMERA.serial, CAMERA.owner, CAMERA.model, 'GPSLatitude']) expect(bytes.includes(secret)).toBe(false);
    // The picture is untouched: the same scan bytes, the same decoded pixels, and nothing after EOI.
    expect(scanOf(bytes).equals(scanOf(original))).toBe(true);
    expect(pixelsOf(bytes).equals(pixelsOf(original))).toBe(true);
    expect(bytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(bytes.length).toBeLessThan(original.length);
  });

  it.each([1, 3, 8])('keeps Orientation %i in big-endian files too', async (orientation) => {
    // piexifjs writes big-endian ("MM"); a little-endian file is covered by the hand-built one below.
    const cleaned = removePersonalMetadata(cameraJpeg({ orientation, extras: false }));
    expect(await exifr.orientation(Buffer.from(cleaned.bytes))).toBe(orientation);
  });

  it('keeps a little-endian Orientation and drops a GPS pointer in it', async () => {
    const tiff = Buffer.from([
      0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, // "II", 42, IFD0 at 8
      0x02, 0x00, // two entries
      0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, // Orientation = 8
      0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00, // GPS IFD pointer
      0x00, 0x00, 0x00, 0x00, // no IFD1
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // an empty GPS IFD
    ]);
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
    const plain = encodeJpeg(16, 16, 80);
    const file = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
    const cleaned = removePersonalMetadata(file);
    expect(cleaned).toMatchObject({ changed: true, hadLocation: true, orientation: 8 });
    expect(Buffer.from(cleaned.bytes).subarray(12, 14).toString('latin1')).toBe('II'); // the camera's byte order
    expect(await exifr.orientation(Buffer.from(cleaned.bytes))).toBe(8);
  });

  it('hands back the very same bytes when there is nothing personal', () => {
    const plain = encodeJpeg(32, 24, 80);
    const cleaned = removePersonalMetadata(plain);
    expect(cleaned).toEqual({ bytes: plain, changed: false, hadLocation: false, orientation: undefined });
  });

  it('refuses what it cannot walk instead of guessing: not a JPEG, cut short, no EOI', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(isJpeg(png)).toBe(false);
    expect(() => removePersonalMetadata(png)).toThrow(NotAJpegError);
    const photo = cameraJpeg({ extras: false });
    expect(() => removePersonalMetadata(photo.subarray(0, 40))).toThrow(NotAJpegError);
    expect(() => removePersonalMetadata(photo.subarray(0, photo.length - 2))).toThrow(/EOI/);
  });
});
