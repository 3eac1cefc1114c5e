// An abort that meets parts still arriving: each moves its bytes and sidecar into the
// upload's folder, so the folder can gain files while it is being removed (ENOTEMPTY).
// The abort must still succeed and leave nothing, as S3's AbortMultipartUpload does
// with parts in progress; an end-to-end run once answered it 500.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UploadStore } from '../../cloud-signer/src/devbucket/multipart/upload-store';
import { ObjectStore } from '../../cloud-signer/src/devbucket/storage';

it('removes an upload whose folder gains part files while it goes, and later steps find nothing', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'abort-race-'));
  try {
    const objects = new ObjectStore(root);
    const uploads = new UploadStore(root, objects);
    await Promise.all([objects.ready, uploads.ready]);
    for (let round = 0; round < 60; round++) {
      const upload = await uploads.create('uploads/big.mp4', 'video/mp4', new Date());
      // Parts arriving over the next few turns, as the last ones on the wire do.
      const arriving = Array.from({ length: 8 }, async (_, i) => {
        const temp = uploads.partTempPath();
        await fs.writeFile(temp, Buffer.alloc(64 * 1024));
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        try {
          await uploads.commitPart(upload.uploadId, i + 1, temp, { size: 64 * 1024, etag: '"0"', now: new Date() });
        } catch (error) {
          // Arriving after the folder went: that part's own commit fails, as its PUT would, and its bytes go.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          await fs.rm(temp, { force: true });
        }
      });
      await new Promise((resolve) => setTimeout(resolve, round % 3));
      await uploads.remove(upload.uploadId);
      await Promise.all(arriving);
      expect(await uploads.find(upload.uploadId)).toBeUndefined();
    }
    expect(await fs.readdir(path.join(root, 'multipart'))).toEqual([]);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
