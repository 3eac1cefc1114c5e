// For end-to-end tests of uploads in parts: a random video file big enough to go in parts,
// and a real signer with its dev bucket that takes MP4 and plans parts of `partBytes`.
// Registers its own beforeAll/afterAll; read `path` and `signer` inside tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startSigner, type RunningSigner, type SignerOptions } from './signer';

export interface VideoInParts {
  /** The video's path on disk (`clip.mp4` in a temp folder). */
  readonly path: string;
  readonly signer: RunningSigner;
}

export function videoInParts(tempPrefix: string, sizes: { fileBytes: number; partBytes: number }, env: Record<string, string> = {}, opts: SignerOptions = {}): VideoInParts {
  let dir = '';
  const fixture = { path: '', signer: undefined as unknown as RunningSigner };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), tempPrefix));
    fixture.path = path.join(dir, 'clip.mp4');
    fs.writeFileSync(fixture.path, randomBytes(sizes.fileBytes));
    fixture.signer = await startSigner({ UPLOAD_ALLOWED_TYPES: 'video/mp4', UPLOAD_MULTIPART_PART_BYTES: String(sizes.partBytes), ...env }, opts);
  });
  afterAll(async () => {
    await fixture.signer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}
