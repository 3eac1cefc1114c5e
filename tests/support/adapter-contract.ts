// One behavioural suite for every platform adapter (one suite, two platforms): what
// the engine and the pages rely on from Platform + Transport, stated once and run
// against the wx adapter over fake-wx (tests/wechat/adapter-contract.test.ts) and the
// my adapter over fake-my (tests/alipay/adapter-contract.test.ts). The fakes speak
// their platform's native shapes; this file only speaks the neutral ones.
import fs from 'node:fs';
import { TransportError, type HttpResponse, type TransferProgress } from '../../miniprogram/shared/core/ports';
import { PlatformError, type Platform } from '../../miniprogram/shared/core/ports';
import type { DeviceFake } from './device-script';
import { photoPaths } from './fixtures';

export interface ContractSubject {
  platform: Platform;
  device: DeviceFake;
  /** Undo whatever setup installed (e.g. the global `wx` / `my`). */
  teardown(): void;
}

/** Short enough to keep the suite fast, long enough that a fake's answer always comes first. */
const SHORT_TIMEOUT_MS = 40;
const SIGNER = 'https://signer.example.com';
const BUCKET = 'https://bucket.example.com';

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
};

async function transportKind(promise: Promise<unknown>) {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(TransportError);
  return (err as TransportError).kind;
}

export function describeAdapterContract(platformName: string, setup: () => ContractSubject): void {
  describe(`${platformName} adapter contract`, () => {
    let subject: ContractSubject;
    let platform: Platform;
    let device: DeviceFake;
    beforeEach(() => {
      subject = setup();
      ({ platform, device } = subject);
    });
    afterEach(() => subject.teardown());

    const [photo] = photoPaths();
    const photoSize = () => fs.statSync(photo).size;
    const post = (extra: { onProgress?: (p: TransferProgress) => void; timeoutMs?: number } = {}) =>
      platform.upload({
        method: 'POST',
        url: `${BUCKET}/`,
        filePath: photo,
        fileName: 'photo-1.png',
        fileField: 'file',
        fields: { key: 'uploads/a.png', policy: 'cG9saWN5', 'Content-Type': 'image/png' },
        headers: {},
        ...extra,
      });

    describe('request (signer calls)', () => {
      it('answers JSON as text with the status as a number', async () => {
        device.scriptRequest({ answer: { status: 200, body: '{"ok":true}', headers: { 'X-Request-Id': 'r1' } } });
        const res = await platform.request({ url: `${SIGNER}/healthz`, method: 'GET' });
        expect(res).toEqual<HttpResponse>({ statusCode: 200, body: '{"ok":true}', headers: { 'x-request-id': 'r1' } });
      });

      it('sends the method, headers, body and timeout it was given', async () => {
        await platform.request({ url: `${SIGNER}/api/tickets`, method: 'POST', headers: { authorization: 'Bearer t' }, body: '{"files":[]}', timeoutMs: 5000 });
        expect(device.requests[0]).toMatchObject({ method: 'POST', body: '{"files":[]}', timeoutMs: 5000, headers: { authorization: 'Bearer t' } });
      });

      it.each([401, 413, 500])('hands a %i answer to the engine with its body instead of failing', async (status) => {
        const body = `{"error":{"code":"X","message":"status ${status}"}}`;
        device.scriptRequest({ answer: { status, body } });
        const res = await platform.request({ url: `${SIGNER}/api/tickets`, method: 'POST', body: '{}' });
        expect(res.statusCode).toBe(status);
        expect(res.body).toBe(body);
      });

      it.each([
        ['timeout', 'timeout'],
        ['domain', 'domain'],
        ['network', 'network'],
      ] as const)('turns a %s failure into TransportError %s', async (cause, kind) => {
        device.scriptRequest({ fail: cause });
        await expect(transportKind(platform.request({ url: `${SIGNER}/healthz`, method: 'GET', timeoutMs: SHORT_TIMEOUT_MS }))).resolves.toBe(kind);
      });
    });

    describe('upload (multipart POST)', () => {
      it('sends the fields as strings under the ticket file field and reports progress in bytes', async () => {
        device.scriptUpload({ answer: { status: 204, body: '' }, progress: [[100, 400], [400, 400]] });
        const seen: TransferProgress[] = [];
        const res = await post({ onProgress: (p) => seen.push(p) }).result;
        expect(res.statusCode).toBe(204);
        expect(seen).toEqual([{ bytesSent: 100, totalBytes: 400 }, { bytesSent: 400, totalBytes: 400 }]);
        const sent = device.uploads[0];
        expect(sent).toMatchObject({ url: `${BUCKET}/`, filePath: photo, fileField: 'file' });
        expect(sent.formData).toEqual({ key: 'uploads/a.png', policy: 'cG9saWN5', 'Content-Type': 'image/png' });
        expect(Object.keys(sent.headers).map((h) => h.toLowerCase())).not.toContain('content-type');
      });

      it.each([
        [403, '<Error><Code>AccessDenied</Code></Error>'],
        [400, '<Error><Code>EntityTooLarge</Code></Error>'],
        [503, '<Error><Code>SlowDown</Code></Error>'],
      ])('resolves a %i from the store with its XML so the engine can judge it', async (status, body) => {
        device.scriptUpload({ answer: { status, body } });
        const res = await post().result;
        expect(res).toMatchObject({ statusCode: status, body });
      });

      it('aborts a running upload: rejected as aborted, no progress afterwards', async () => {
        device.scriptUpload('hang');
        const seen: TransferProgress[] = [];
        const task = post({ onProgress: (p) => seen.push(p) });
        task.abort();
        await expect(transportKind(task.result)).resolves.toBe('aborted');
        expect(device.aborts).toBe(1);
        expect(seen).toEqual([]);
      });

      it.each([
        ['timeout', 'timeout'],
        ['domain', 'domain'],
        ['network', 'network'],
        ['missingFile', 'file'],
      ] as const)('turns a %s failure into TransportError %s', async (cause, kind) => {
        device.scriptUpload({ fail: cause });
        await expect(transportKind(post({ timeoutMs: SHORT_TIMEOUT_MS }).result)).resolves.toBe(kind);
      });
    });

    describe('upload (PUT)', () => {
      it('sends the whole file with the ticket headers and reports 0 then everything', async () => {
        device.scriptRequest({ answer: { status: 200, body: '' } });
        const seen: TransferProgress[] = [];
        const task = platform.upload({
          method: 'PUT',
          url: `${BUCKET}/uploads/a.png?sig=1`,
          filePath: photo,
          fileName: 'photo-1.png',
          fileField: 'file',
          fields: {},
          headers: { 'Content-Type': 'image/png' },
          onProgress: (p) => seen.push(p),
        });
        expect((await task.result).statusCode).toBe(200);
        expect(device.requests[0]).toMatchObject({ method: 'PUT', body: photoSize(), headers: { 'Content-Type': 'image/png' } });
        expect(seen).toEqual([{ bytesSent: 0, totalBytes: photoSize() }, { bytesSent: photoSize(), totalBytes: photoSize() }]);
      });

      it('fails as a file error when the picked file is gone', async () => {
        const task = platform.upload({ method: 'PUT', url: `${BUCKET}/k`, filePath: '/nonexistent/tmp_1.png', fileName: 'a.png', fileField: 'file', fields: {}, headers: {} });
        await expect(transportKind(task.result)).resolves.toBe('file');
      });
    });

    describe('pickers', () => {
      it.each(['album', 'camera'] as const)('picks photos from the %s as PickedFiles', async (source) => {
        device.scriptPick([{ path: photo, size: 1234 }]);
        const files = await platform.chooseMedia({ count: 3, source });
        expect(device.picks[0]).toEqual({ count: 3, source });
        expect(files).toEqual([{ path: photo, name: 'photo-1.png', size: 1234, type: 'image/png', kind: 'image', tempName: true }]);
      });

      it('resolves [] when the person closes the picker', async () => {
        device.scriptPick('cancel');
        await expect(platform.chooseMedia({ count: 9, source: 'album' })).resolves.toEqual([]);
      });

      it('rejects with a permission error when access is refused', async () => {
        device.scriptPick('denied');
        const err = await rejection(platform.chooseMedia({ count: 9, source: 'camera' }));
        expect(err).toBeInstanceOf(PlatformError);
        expect((err as PlatformError).kind).toBe('permission');
      });
    });

    describe('clipboard, preview, toast, storage, language', () => {
      it('copies text to the clipboard', async () => {
        await platform.copyText('https://bucket.example.com/uploads/a.png', 'Copied');
        expect(device.clipboard()).toBe('https://bucket.example.com/uploads/a.png');
      });

      it('previews the image list starting at the tapped one', () => {
        platform.previewImages(['https://b/1.png', 'https://b/2.png'], 'https://b/2.png');
        expect(device.previews).toEqual([{ urls: ['https://b/1.png', 'https://b/2.png'], current: 'https://b/2.png' }]);
      });

      it('shows a toast with the message', () => {
        platform.toast('上传失败', 'error');
        expect(device.toasts).toContain('上传失败');
      });

      it('round-trips values through storage; a missing key reads as undefined', () => {
        expect(platform.storage.get('history')).toBeUndefined();
        const value = [{ key: 'uploads/a.png', size: 3, at: 1 }];
        platform.storage.set('history', value);
        expect(platform.storage.get('history')).toEqual(value);
        platform.storage.remove('history');
        expect(platform.storage.get('history')).toBeUndefined();
      });

      it('lists the keys it holds (for uploads left unfinished by an earlier launch)', () => {
        expect(platform.storage.keys()).not.toContain('multipart-upload:a');
        platform.storage.set('multipart-upload:a', { n: 1 });
        platform.storage.set('other', 2);
        expect(platform.storage.keys()).toEqual(expect.arrayContaining(['multipart-upload:a', 'other']));
        platform.storage.remove('multipart-upload:a');
        expect(platform.storage.keys()).not.toContain('multipart-upload:a');
      });

      it('speaks Chinese unless the phone is in English', () => {
        expect(platform.language()).toBe('zh');
      });
    });
  });
}
