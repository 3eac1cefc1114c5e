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

  it('bounds the EXIF check by the segment: a short APP1 followed by "Exif\0\0" is not taken for EXIF', () => {
    const plain = encodeJpeg(16, 16, 80);
    // APP1 of length 4 ("Ex") whose next bytes spell "if\0\0": the id runs out of the segment.
    const shortApp1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 0x04]), Buffer.from('Exif\0\0', 'latin1'), Buffer.alloc(16)]);
    expect(() => removePersonalMetadata(Buffer.concat([plain.subarray(0, 2), shortApp1, plain.subarray(2)]))).toThrow(NotAJpegError);
    // The id alone, exactly filling its segment, is an empty EXIF block: dropped, and the rest walks on.
    const emptyExif = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 0x08]), Buffer.from('Exif\0\0', 'latin1')]);
    const cleaned = removePersonalMetadata(Buffer.concat([plain.subarray(0, 2), emptyExif, plain.subarray(2)]));
    expect(cleaned).toMatchObject({ changed: true, hadLocation: false, orientation: undefined });
    expect(Buffer.from(cleaned.bytes).equals(plain)).toBe(true);
  });

  it('takes no id that runs past its segment for XMP, MPF or Photoshop', () => {
    const plain = encodeJpeg(16, 16, 80);
    // An APP2 of length 4 holding "MP", then "F\0" outside it: not an MPF block, so the walk meets "F" where a marker belongs.
    // (Unlike EXIF, a misread id here would not have thrown anything else; this pins the same bound for every id.)
    const shortApp2 = Buffer.concat([Buffer.from([0xff, 0xe2, 0x00, 0x04]), Buffer.from('MPF\0', 'latin1')]);
    expect(() => removePersonalMetadata(Buffer.concat([plain.subarray(0, 2), shortApp2, plain.subarray(2)]))).toThrow(NotAJpegError);
  });

  it('reads no EXIF entry past the segment, even when IFD0 says it has more', () => {
    const plain = encodeJpeg(16, 16, 80);
    // IFD0 claims 40 entries; only an Orientation entry is inside the segment, what follows is the next segment.
    const tiff = Buffer.from([
      0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // "MM", 42, IFD0 at 8
      0x00, 0x28, // 40 entries
      0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, // Orientation = 3
    ]);
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, payload.length + 2]), payload]);
    // A COM segment right after that would read as a GPS pointer entry (0x8825) if the walk overran.
    const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x0e]), Buffer.from([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0])]);
    const cleaned = removePersonalMetadata(Buffer.concat([plain.subarray(0, 2), app1, com, plain.subarray(2)]));
    expect(cleaned).toMatchObject({ changed: true, hadLocation: false, orientation: 3 });
  });

  describe('damaged and crafted files: only NotAJpegError, and always an answer', () => {
    // Termination holds by construction (every step moves the offset forward); these runs would hang if it did not.
    const outcome = (bytes: Uint8Array): string => {
      try {
        const cleaned = removePersonalMetadata(bytes);
        expect(cleaned.bytes).toBeInstanceOf(Uint8Array);
        expect(cleaned.bytes.length).toBeLessThanOrEqual(bytes.length + 30); // at most the fresh Orientation block is added
        return 'cleaned';
      } catch (error) {
        if (error instanceof NotAJpegError) return 'refused';
        throw error;
      }
    };

    it('every truncation of a camera file', () => {
      const photo = cameraJpeg();
      const seen = new Set<string>();
      for (let length = 0; length <= photo.length; length += 1) seen.add(outcome(photo.subarray(0, length)));
      expect(seen).toEqual(new Set(['cleaned', 'refused'])); // the cut after the first EOI still cleans
    });

    it('thousands of seeded mutations of its header bytes', () => {
      const photo = cameraJpeg();
      const headerEnd = photo.indexOf(Buffer.from([0xff, 0xda])) + 16;
      let state = 20261201;
      const random = (below: number) => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % below);
      const interesting = [0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0xff, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xed, 0xfe, 0x45, 0x49, 0x4d];
      const seen = new Set<string>();
      for (let run = 0; run < 3000; run += 1) {
        const mutant = Buffer.from(photo);
        for (let flips = 1 + random(4); flips > 0; flips -= 1) {
          mutant[random(headerEnd)] = random(2) ? interesting[random(interesting.length)] : random(256);
        }
        const cut = random(3) === 0 ? random(mutant.length) : mutant.length;
        seen.add(outcome(mutant.subarray(0, cut)));
      }
      expect(seen).toEqual(new Set(['cleaned', 'refused']));
    });

    it('segment lengths of 0, 1 and 2, runs of fill bytes, and markers at the very end', () => {
      const plain = encodeJpeg(16, 16, 80);
      const soi = plain.subarray(0, 2);
      const rest = plain.subarray(2);
      for (const marker of [0xe1, 0xe2, 0xed, 0xfe, 0xc0, 0xda]) {
        for (const length of [0, 1, 2, 3]) {
          outcome(Buffer.concat([soi, Buffer.from([0xff, marker, 0x00, length]), rest]));
          outcome(Buffer.concat([soi, Buffer.from([0xff, marker, 0x00, length])]));
        }
      }
      expect(outcome(Buffer.concat([soi, Buffer.alloc(64, 0xff)]))).toBe('refused');
      expect(outcome(Buffer.concat([soi, Buffer.alloc(64, 0xff), rest]))).toBe('cleaned'); // fill bytes before a marker are allowed
      expect(outcome(Buffer.from([0xff, 0xd8, 0xff]))).toBe('refused');
      expect(outcome(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe('cleaned');
      expect(outcome(Buffer.concat([plain.subarray(0, plain.length - 2), Buffer.from([0xff])]))).toBe('refused');
    });
  });
});
