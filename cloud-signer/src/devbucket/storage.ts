// Where the dev bucket keeps objects on disk:
//   <dataDir>/tmp/      uploads in flight (deleted on any failure, swept at start)
//   <dataDir>/objects/  object bytes, one file per stored version
//   <dataDir>/meta/     one JSON sidecar per key: its metadata and which bytes file is current
// File names are hashes of the key, never the key itself, so no key can name a
// path outside dataDir. Renaming the sidecar into place is the single commit point:
// a reader sees the old object or the new one, never a half-written one.
// One key has one bytes file: commits of one key run one after the other (parallel
// uploads with one ticket each replaced the same "previous" and orphaned the rest),
// and a start removes what a crash between the steps of a commit left behind.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  /** Quoted hex MD5 of the bytes, as S3 reports it for a single-part upload. */
  etag: string;
  lastModified: Date;
}

interface Sidecar {
  key: string;
  size: number;
  contentType: string;
  etag: string;
  lastModified: string;
  /** Name of the bytes file in objects/. */
  file: string;
}

export interface ObjectLocation extends StoredObject {
  filePath: string;
}

const RANDOM_NAME_BYTES = 12;
const randomName = () => randomBytes(RANDOM_NAME_BYTES).toString('hex');
const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export class ObjectStore {
  private readonly tmpDir: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  /** The last commit queued per key hash: the next one for that key waits for it. */
  private readonly commitQueues = new Map<string, Promise<void>>();
  /** Directories exist and leftovers of a crashed run are gone once this settles. */
  readonly ready: Promise<void>;

  constructor(dataDir: string) {
    const root = path.resolve(dataDir);
    this.tmpDir = path.join(root, 'tmp');
    this.objectsDir = path.join(root, 'objects');
    this.metaDir = path.join(root, 'meta');
    this.ready = this.prepare();
    // Callers await `ready` and see a failure there; this only keeps it from also
    // surfacing as an unhandled rejection when no request has arrived yet.
    this.ready.catch(() => undefined);
  }

  private async prepare(): Promise<void> {
    // A temp file left by a killed process is never a finished upload.
    await fs.rm(this.tmpDir, { recursive: true, force: true });
    await Promise.all([this.tmpDir, this.objectsDir, this.metaDir].map((dir) => fs.mkdir(dir, { recursive: true })));
    await this.reconcile();
  }

  /**
   * After a crash: metadata whose bytes are gone (or that cannot be read) is removed,
   * then every bytes file no metadata points at (bytes renamed before their metadata
   * was, or a replaced version not yet deleted). Runs before the first request.
   */
  private async reconcile(): Promise<void> {
    const referenced = new Set<string>();
    const objectNames = new Set(await fs.readdir(this.objectsDir));
    for (const name of await fs.readdir(this.metaDir)) {
      const file = path.join(this.metaDir, name);
      const sidecar = name.endsWith('.json') ? await readJson(file).catch(() => undefined) : undefined;
      const intact = sidecar !== undefined && typeof sidecar.file === 'string' && `${keyHash(sidecar.key)}.json` === name;
      if (intact && objectNames.has(sidecar.file)) referenced.add(sidecar.file);
      else await fs.rm(file, { recursive: true, force: true });
    }
    for (const name of objectNames) {
      if (!referenced.has(name)) await fs.rm(path.join(this.objectsDir, name), { recursive: true, force: true });
    }
  }

  /**
   * Deletes every upload in flight, synchronously: for a process about to exit, whose
   * asynchronous cleanup would never run. What a commit under way had moved already
   * is reconciled at the next start.
   */
  discardInFlightSync(): void {
    let names: string[];
    try {
      names = readdirSync(this.tmpDir);
    } catch {
      return; // never prepared: nothing in flight
    }
    for (const name of names) rmSync(path.join(this.tmpDir, name), { recursive: true, force: true });
  }

  /** A fresh path inside tmp/ for an upload to stream into. */
  tempPath(): string {
    return path.join(this.tmpDir, `${randomName()}.part`);
  }

  /** Moves a fully received and verified upload into place under `object.key`; the last commit of a key wins. */
  commit(tempFile: string, object: StoredObject): Promise<void> {
    const hash = keyHash(object.key);
    const queued = this.commitQueues.get(hash) ?? Promise.resolve();
    const mine = queued.then(() => this.commitNow(hash, tempFile, object));
    // The queue goes on after a failed commit; the caller sees the failure.
    const settled = mine.catch(() => undefined);
    this.commitQueues.set(hash, settled);
    void settled.then(() => {
      if (this.commitQueues.get(hash) === settled) this.commitQueues.delete(hash);
    });
    return mine;
  }

  private async commitNow(hash: string, tempFile: string, object: StoredObject): Promise<void> {
    const file = `${hash}.${randomName()}`;
    const dataPath = path.join(this.objectsDir, file);
    const previous = await this.readSidecar(object.key);
    await fs.rename(tempFile, dataPath);
    const sidecar: Sidecar = { ...object, lastModified: object.lastModified.toISOString(), file };
    const sidecarTemp = path.join(this.tmpDir, `${randomName()}.json`);
    try {
      await fs.writeFile(sidecarTemp, JSON.stringify(sidecar), { flag: 'wx' });
      await fs.rename(sidecarTemp, path.join(this.metaDir, `${hash}.json`));
    } catch (error) {
      await Promise.all([fs.rm(dataPath, { force: true }), fs.rm(sidecarTemp, { force: true })]);
      throw error;
    }
    // The replaced version's bytes; a reader that already opened them keeps its handle.
    if (previous) await fs.rm(path.join(this.objectsDir, previous.file), { force: true });
  }

  async find(key: string): Promise<ObjectLocation | undefined> {
    const sidecar = await this.readSidecar(key);
    if (!sidecar) return undefined;
    return { ...toStoredObject(sidecar), filePath: path.join(this.objectsDir, sidecar.file) };
  }

  /** Every object, newest first. */
  async list(): Promise<StoredObject[]> {
    const names = await fs.readdir(this.metaDir);
    const sidecars = await Promise.all(
      names.filter((name) => name.endsWith('.json')).map((name) => readJson(path.join(this.metaDir, name))),
    );
    return sidecars
      .filter((s): s is Sidecar => s !== undefined)
      .map(toStoredObject)
      .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || a.key.localeCompare(b.key));
  }

  private async readSidecar(key: string): Promise<Sidecar | undefined> {
    const sidecar = await readJson(path.join(this.metaDir, `${keyHash(key)}.json`));
    // A hash collision is astronomically unlikely, but never serve another key's bytes.
    return sidecar && sidecar.key === key ? sidecar : undefined;
  }
}

async function readJson(file: string): Promise<Sidecar | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Sidecar;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function toStoredObject(s: Sidecar): StoredObject {
  return { key: s.key, size: s.size, contentType: s.contentType, etag: s.etag, lastModified: new Date(s.lastModified) };
}
