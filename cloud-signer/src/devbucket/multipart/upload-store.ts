// Multipart uploads in flight, on disk, invisible to readers until completed:
//   <dataDir>/multipart/<uploadId>/upload-record     (JSON) key, content type, when it started
//   <dataDir>/multipart/<uploadId>/<n>.<random>      the bytes of part n
//   <dataDir>/multipart/<uploadId>/<n>.json          which bytes file is part n, its size and ETag
// A part streams into the object store's tmp/ (emptied at shutdown and at start, as every
// upload in flight is) and moves into its upload's folder only once complete and checked;
// its sidecar is renamed into place after that, so a re-sent part replaces the old one
// whole or not at all. A start removes what a crash left between those two renames. Completing streams the
// parts one after another into a temp file that ObjectStore.commit moves into place,
// so a file of any size passes through a fixed amount of memory.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { ObjectStore, StoredObject } from '../storage';

export interface UploadRecord {
  uploadId: string;
  key: string;
  contentType: string;
  initiated: Date;
}

export interface PartRecord {
  partNumber: number;
  size: number;
  /** Quoted hex MD5, as S3 answers it. */
  etag: string;
  lastModified: Date;
}

interface PartSidecar {
  size: number;
  etag: string;
  lastModified: string;
  file: string;
}

/** 128 random bits as hex: the only upload ids this bucket makes, and the only ones it will look up. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
const PART_SIDECAR = /^(\d{1,5})\.json$/;
const randomName = () => randomBytes(12).toString('hex');

export class UploadStore {
  private readonly root: string;
  readonly ready: Promise<void>;

  constructor(
    dataDir: string,
    private readonly objects: ObjectStore,
  ) {
    this.root = path.join(path.resolve(dataDir), 'multipart');
    this.ready = fs.mkdir(this.root, { recursive: true }).then(() => this.reconcile());
    this.ready.catch(() => undefined);
  }

  /**
   * After a crash: in every upload's folder, whatever is neither its record, a part's
   * sidecar nor the bytes a sidecar names (a part moved in whose sidecar was never
   * written, a sidecar's own temp file) is removed. Runs before the first request.
   */
  private async reconcile(): Promise<void> {
    for (const uploadId of await fs.readdir(this.root)) {
      if (!UPLOAD_ID.test(uploadId)) continue;
      const dir = this.dir(uploadId);
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      const kept = new Set(['upload-record']);
      for (const name of names) {
        if (!PART_SIDECAR.test(name)) continue;
        const sidecar = await readSidecar(path.join(dir, name));
        if (sidecar === undefined) continue; // unreadable: the part is gone, and so are its bytes
        kept.add(name);
        kept.add(sidecar.file);
      }
      for (const name of names) if (!kept.has(name)) await fs.rm(path.join(dir, name), { recursive: true, force: true });
    }
  }

  private dir(uploadId: string): string {
    return path.join(this.root, uploadId);
  }

  async create(key: string, contentType: string, now: Date): Promise<UploadRecord> {
    const uploadId = randomBytes(16).toString('hex');
    const dir = this.dir(uploadId);
    await fs.mkdir(dir);
    const record = { uploadId, key, contentType, initiated: now };
    await fs.writeFile(path.join(dir, 'upload-record'), JSON.stringify({ key, contentType, initiated: now.toISOString() }));
    return record;
  }

  /** The upload, or undefined when the id is malformed, unknown, aborted or completed. */
  async find(uploadId: string): Promise<UploadRecord | undefined> {
    if (!UPLOAD_ID.test(uploadId)) return undefined;
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.dir(uploadId), 'upload-record'), 'utf8'));
      return { uploadId, key: raw.key, contentType: raw.contentType, initiated: new Date(raw.initiated) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Where a part's bytes stream to before they are checked: tmp/, with every other upload in flight. */
  partTempPath(): string {
    return this.objects.tempPath();
  }

  /** Makes fully received, checked bytes (at `tempFile`) part `partNumber`, replacing an earlier copy. */
  async commitPart(uploadId: string, partNumber: number, tempFile: string, part: { size: number; etag: string; now: Date }): Promise<void> {
    const dir = this.dir(uploadId);
    const previous = await this.readPart(uploadId, partNumber);
    const file = `${partNumber}.${randomName()}`;
    await fs.rename(tempFile, path.join(dir, file));
    const sidecar: PartSidecar = { size: part.size, etag: part.etag, lastModified: part.now.toISOString(), file };
    const temp = path.join(dir, `${randomName()}.tmp`);
    await fs.writeFile(temp, JSON.stringify(sidecar));
    await fs.rename(temp, path.join(dir, `${partNumber}.json`));
    if (previous && previous.file !== sidecar.file) await fs.rm(path.join(dir, previous.file), { force: true });
  }

  private async readPart(uploadId: string, partNumber: number): Promise<PartSidecar | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir(uploadId), `${partNumber}.json`), 'utf8')) as PartSidecar;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Every stored part, ascending. */
  async parts(uploadId: string): Promise<PartRecord[]> {
    const names = await fs.readdir(this.dir(uploadId));
    const numbers = names
      .map((name) => PART_SIDECAR.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const parts: PartRecord[] = [];
    for (const partNumber of numbers) {
      const sidecar = await this.readPart(uploadId, partNumber);
      if (sidecar) parts.push({ partNumber, size: sidecar.size, etag: sidecar.etag, lastModified: new Date(sidecar.lastModified) });
    }
    return parts;
  }

  /**
   * Concatenates the chosen parts (already checked by the caller) into the object and
   * removes the upload. The ETag is S3's for multipart objects: MD5 of the parts' binary
   * MD5s, a dash, the part count.
   */
  async complete(upload: UploadRecord, parts: readonly PartRecord[], now: Date): Promise<StoredObject> {
    const dir = this.dir(upload.uploadId);
    const temp = this.objects.tempPath();
    const digests = createHash('md5');
    let size = 0;
    try {
      const out = createWriteStream(temp, { flags: 'wx' });
      for (const part of parts) {
        const sidecar = await this.readPart(upload.uploadId, part.partNumber);
        if (!sidecar) throw new Error(`Part ${part.partNumber} disappeared while completing.`);
        await appendFile(out, path.join(dir, sidecar.file));
        digests.update(Buffer.from(sidecar.etag.replace(/"/g, ''), 'hex'));
        size += sidecar.size;
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const object: StoredObject = {
        key: upload.key,
        size,
        contentType: upload.contentType,
        etag: `"${digests.digest('hex')}-${parts.length}"`,
        lastModified: now,
      };
      await this.objects.commit(temp, object);
      await this.remove(upload.uploadId);
      return object;
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }

  async remove(uploadId: string): Promise<void> {
    if (!UPLOAD_ID.test(uploadId)) return;
    const dir = this.dir(uploadId);
    // Gone for every later step at once: find() reads the record.
    await fs.rm(path.join(dir, 'upload-record'), { force: true });
    // A part committed right now can move its file in while the folder goes (ENOTEMPTY, an abort
    // answered 500 while the app's last parts were on the wire): fs.rm tries again.
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  }

  /** Deletes uploads started before `cutoff` (abandoned: never completed nor aborted); returns how many. */
  async sweep(cutoff: Date): Promise<number> {
    let removed = 0;
    // A data directory removed under a running signer (a test's, at its end) leaves nothing to sweep.
    const uploadIds = await fs.readdir(this.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const uploadId of uploadIds) {
      const upload = await this.find(uploadId).catch(() => undefined);
      // Without a readable upload-record the folder is a create that died half-way (or is
      // under way right now): judged by the folder's own age instead.
      const started = upload?.initiated ?? (await fs.stat(this.dir(uploadId)).catch(() => undefined))?.mtime;
      if (started === undefined || started.getTime() < cutoff.getTime()) {
        await fs.rm(this.dir(uploadId), { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }
}

/** A part's sidecar, or undefined when it cannot be read or does not name a bytes file. */
async function readSidecar(file: string): Promise<PartSidecar | undefined> {
  try {
    const sidecar = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<PartSidecar>;
    return typeof sidecar?.file === 'string' ? (sidecar as PartSidecar) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Streams `file` onto the end of `out`, waiting for the disk when it is behind. By hand
 * rather than `pipeline(…, { end: false })` per part: that leaves its listeners on the one
 * output stream, so assembling a 128-part upload piled up 500 of them (Node's
 * MaxListenersExceededWarning in the bench) and every write then ran through them all.
 */
async function appendFile(out: NodeJS.WritableStream, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) {
    // once() also rejects, and lets go of both listeners, if the output errors meanwhile.
    if (!out.write(chunk as Buffer)) await once(out, 'drain');
  }
}
