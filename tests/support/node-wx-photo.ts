// The photo half of the Node-backed `wx`: wx.compressImage as a real re-encode
// (jpeg-js decodes, the EXIF rotation is baked into the pixels so the re-encoded file,
// which carries no EXIF, still displays upright, and jpeg-js encodes at the quality
// asked for), and the file-system calls preparing a photo makes (writeFile, mkdir,
// rmdir, unlink) on the real disk under a USER_DATA_PATH folder of the test's own.
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import piexif from 'piexifjs';

/** EXIF Orientation (1–8) as piexifjs reads it; 1 when there is none. */
export function orientationOf(bytes: Buffer): number {
  try {
    const value = piexif.load(bytes.toString('latin1'))['0th']?.[piexif.ImageIFD.Orientation];
    return typeof value === 'number' && value >= 1 && value <= 8 ? value : 1;
  } catch {
    return 1;
  }
}

/** RGBA pixels turned upright according to an EXIF orientation (TIFF 6.0 Orientation values). */
export function upright(image: { data: Uint8Array; width: number; height: number }, orientation: number) {
  const { data, width: w, height: h } = image;
  const swap = orientation >= 5;
  const width = swap ? h : w;
  const height = swap ? w : h;
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [sx, sy] = (
        {
          1: [x, y],
          2: [w - 1 - x, y],
          3: [w - 1 - x, h - 1 - y],
          4: [x, h - 1 - y],
          5: [y, x],
          6: [y, h - 1 - x],
          7: [w - 1 - y, h - 1 - x],
          8: [w - 1 - y, x],
        } as Record<number, [number, number]>
      )[orientation] ?? [x, y];
      data.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4).forEach((v, i) => (out[(y * width + x) * 4 + i] = v));
    }
  }
  return { data: out, width, height };
}

export interface Compression {
  src: string;
  out: string;
  quality: number;
}

/** Re-encodes `src` at `quality` into `dir`; throws (as WeChat fails) for what is not a JPEG. */
export function compressJpeg(src: string, quality: number, dir: string, n: number): string {
  const bytes = fs.readFileSync(src);
  const decoded = jpeg.decode(bytes, { useTArray: true });
  const turned = upright(decoded, orientationOf(bytes));
  const out = path.join(dir, `compressed_${n}.jpg`);
  fs.writeFileSync(out, jpeg.encode(turned, quality).data);
  return out;
}
