// Unit tests of the WeChat adapter's mapping: WeChat's raw results and errMsg texts
// in, the app's one internal shape out. `wx` is a bare recorder per test; the
// shared adapter contract (adapter-contract.test.ts) covers the common behaviour.
import { TransportError } from '../../miniprogram/shared/core/ports';
import { PlatformError } from '../../miniprogram/shared/core/ports';
import {
  CHAT_FILE_COUNT_MAX,
  MEDIA_COUNT_MAX,
  MEDIA_COUNT_MAX_LEGACY,
  createWechatPlatform,
  languageFrom,
  mediaCountMax,
} from '../../miniprogram/platform/wechat';
import { transportErrorKind } from '../../miniprogram/platform/wechat-transport';

type Options = Record<string, any>;
const g = globalThis as Record<string, unknown>;
let calls: Record<string, Options[]>;

/** Installs a `wx` whose APIs record their options and answer with `answers[name]`. */
function fakeWx(answers: Record<string, (o: Options) => unknown>) {
  calls = {};
  g.wx = new Proxy(
    {},
    {
      get: (_, name: string) => (o: Options) => {
        (calls[name] ??= []).push(o);
        const answer = answers[name];
        if (!answer) throw new Error(`wx.${name} was not expected`);
        return answer(o);
      },
    },
  );
}
afterEach(() => delete g.wx);

const sdk = (SDKVersion: string, language = 'zh_CN') => ({ getAppBaseInfo: () => ({ SDKVersion, language }) });

describe('errMsg → transport error kind', () => {
  it.each([
    ['uploadFile:fail timeout', 'timeout'],
    ['request:fail socket time out timed out', 'timeout'],
    ['uploadFile:fail abort', 'aborted'],
    ['request:fail abort', 'aborted'],
    ['uploadFile:fail url not in domain list', 'domain'],
    ['request:fail url not in domain list, https://x.example.com', 'domain'],
    ['uploadFile:fail file not exist', 'file'],
    ['uploadFile:fail net::ERR_CONNECTION_RESET', 'network'],
    ['request:fail interrupted', 'network'],
    ['request:fail', 'network'],
  ])('%s → %s', (errMsg, kind) => {
    expect(transportErrorKind(errMsg)).toBe(kind);
  });
});

describe('uploadFile', () => {
  function startUpload(answer: (o: Options, task: { progress?: (p: object) => void; aborted: boolean }) => void) {
    const task = { progress: undefined as ((p: object) => void) | undefined, aborted: false };
    fakeWx({
      uploadFile: (o) => {
        setTimeout(() => answer(o, task), 0);
        return { onProgressUpdate: (cb: (p: object) => void) => (task.progress = cb), abort: () => (task.aborted = true) };
      },
    });
    const progress: object[] = [];
    const upload = createWechatPlatform().upload({
      method: 'POST',
      url: 'https://bucket.example.com/',
      filePath: 'wxfile://tmp/a.jpg',
      fileName: 'a.jpg',
      fileField: 'file',
      fields: { key: 'uploads/a.jpg', policy: 'p' },
      headers: {},
      timeoutMs: 30_000,
      onProgress: (p) => progress.push(p),
    });
    return { upload, progress, task };
  }

  it('sends the ticket fields as formData under the ticket file field, and maps progress to bytes', async () => {
    const { upload, progress } = startUpload((o, task) => {
      task.progress!({ progress: 50, totalBytesSent: 512, totalBytesExpectedToSend: 1024 });
      o.success({ statusCode: 204, data: '', errMsg: 'uploadFile:ok' });
    });
    await expect(upload.result).resolves.toEqual({ statusCode: 204, body: '', headers: {} });
    expect(calls.uploadFile[0]).toMatchObject({ url: 'https://bucket.example.com/', name: 'file', formData: { key: 'uploads/a.jpg', policy: 'p' }, timeout: 30_000 });
    expect(progress).toEqual([{ bytesSent: 512, totalBytes: 1024 }]);
  });

  it('returns any HTTP status with its body for the engine to judge', async () => {
    const { upload } = startUpload((o) => o.success({ statusCode: 403, data: '<Error><Code>AccessDenied</Code></Error>', errMsg: 'uploadFile:ok' }));
    await expect(upload.result).resolves.toMatchObject({ statusCode: 403, body: '<Error><Code>AccessDenied</Code></Error>' });
  });

  it.each([
    ['uploadFile:fail timeout', 'timeout'],
    ['uploadFile:fail url not in domain list', 'domain'],
    ['uploadFile:fail net::ERR_NAME_NOT_RESOLVED', 'network'],
  ])('rejects %s as a TransportError of kind %s', async (errMsg, kind) => {
    const { upload } = startUpload((o) => o.fail({ errMsg }));
    const error = await upload.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind, message: errMsg, raw: { errMsg } });
  });

  it('abort() aborts the task; even a late success is reported as aborted', async () => {
    const { upload, task, progress } = startUpload((o) => {
      task.progress?.({ progress: 10, totalBytesSent: 10, totalBytesExpectedToSend: 100 });
      o.success({ statusCode: 204, data: '', errMsg: 'uploadFile:ok' });
    });
    upload.abort();
    expect(task.aborted).toBe(true);
    await expect(upload.result).rejects.toMatchObject({ kind: 'aborted' });
    expect(progress).toEqual([]);
  });
});

describe('PUT (read the file, then wx.request)', () => {
  it('sends the file bytes with the ticket headers, reporting 0 then everything', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]).buffer;
    fakeWx({
      getFileSystemManager: () => ({ readFile: (o: Options) => setTimeout(() => o.success({ data: bytes }), 0) }),
      request: (o) => {
        setTimeout(() => o.success({ statusCode: 200, data: '', header: { ETag: '"abc"' } }), 0);
        return { abort: () => undefined };
      },
    });
    const progress: object[] = [];
    const result = await createWechatPlatform().upload({
      method: 'PUT',
      url: 'https://bucket.example.com/a.jpg?sig=1',
      filePath: 'wxfile://tmp/a.jpg',
      fileName: 'a.jpg',
      fileField: 'file',
      fields: {},
      headers: { 'Content-Type': 'image/jpeg' },
      onProgress: (p) => progress.push(p),
    }).result;
    expect(result).toEqual({ statusCode: 200, body: '', headers: { etag: '"abc"' } });
    expect(calls.request[0]).toMatchObject({ method: 'PUT', data: bytes, header: { 'Content-Type': 'image/jpeg' } });
    expect(progress).toEqual([{ bytesSent: 0, totalBytes: 4 }, { bytesSent: 4, totalBytes: 4 }]);
  });
});

describe('request', () => {
  it('asks for raw text and answers with status, text body and lower-cased headers', async () => {
    fakeWx({ request: (o) => setTimeout(() => o.success({ statusCode: 401, data: '{"error":{}}', header: { 'Content-Type': 'application/json' } }), 0) });
    const response = await createWechatPlatform().request({ url: 'http://127.0.0.1:3000/api/tickets', method: 'POST', body: '{"files":[]}', headers: { 'Content-Type': 'application/json' } });
    expect(response).toEqual({ statusCode: 401, body: '{"error":{}}', headers: { 'content-type': 'application/json' } });
    expect(calls.request[0]).toMatchObject({ method: 'POST', data: '{"files":[]}', dataType: 'text', responseType: 'text' });
  });

  it('rejects a refused domain as kind "domain"', async () => {
    fakeWx({ request: (o) => setTimeout(() => o.fail({ errMsg: 'request:fail url not in domain list' }), 0) });
    await expect(createWechatPlatform().request({ url: 'https://x.example.com/healthz', method: 'GET' })).rejects.toMatchObject({ kind: 'domain' });
  });
});

describe('chooseMedia', () => {
  it('turns temp files into picked files: name from the path, MIME from the extension, video thumbnails', async () => {
    fakeWx({
      ...sdk('3.5.0'),
      chooseMedia: (o) =>
        o.success({
          type: 'mix',
          tempFiles: [
            { tempFilePath: 'http://tmp/abc.JPG', size: 1234, fileType: 'image', thumbTempFilePath: '' },
            { tempFilePath: 'wxfile://tmp_clip.mp4', size: 99, fileType: 'video', thumbTempFilePath: 'wxfile://tmp_clip_thumb.jpg' },
          ],
        }),
    });
    const files = await createWechatPlatform().chooseMedia({ count: 9, source: 'camera' });
    expect(files).toEqual([
      // Marked as temp names: the page shows them as "照片 1 · …", not as `abc.JPG`.
      { path: 'http://tmp/abc.JPG', name: 'abc.JPG', size: 1234, type: 'image/jpeg', kind: 'image', tempName: true },
      { path: 'wxfile://tmp_clip.mp4', name: 'tmp_clip.mp4', size: 99, type: 'video/mp4', kind: 'video', thumbPath: 'wxfile://tmp_clip_thumb.jpg', tempName: true },
    ]);
    // Photos only unless asked otherwise, and never pre-shrunk: the app compresses (原图 off) itself.
    expect(calls.chooseMedia[0]).toMatchObject({ count: 9, mediaType: ['image'], sourceType: ['camera'], sizeType: ['original'] });
  });

  it('asks for videos too only when told to', async () => {
    fakeWx({ ...sdk('3.5.0'), chooseMedia: (o) => o.success({ tempFiles: [] }) });
    await createWechatPlatform().chooseMedia({ count: 3, source: 'album', mediaTypes: ['image', 'video'] });
    expect(calls.chooseMedia[0].mediaType).toEqual(['image', 'video']);
  });

  it.each([
    ['2.25.0', 50, MEDIA_COUNT_MAX],
    ['3.5.0', 20, 20],
    ['2.24.9', 20, MEDIA_COUNT_MAX_LEGACY],
    ['2.9.0', 3, 3],
  ])('on base library %s asks for min(%i, its maximum) = %i', async (version, asked, sent) => {
    fakeWx({ ...sdk(version), chooseMedia: (o) => o.success({ tempFiles: [] }) });
    await createWechatPlatform().chooseMedia({ count: asked, source: 'album' });
    expect(calls.chooseMedia[0].count).toBe(sent);
  });

  it('resolves [] when the person closes the picker', async () => {
    fakeWx({ ...sdk('3.5.0'), chooseMedia: (o) => o.fail({ errMsg: 'chooseMedia:fail cancel' }) });
    await expect(createWechatPlatform().chooseMedia({ count: 9, source: 'album' })).resolves.toEqual([]);
  });

  it.each([
    ['chooseMedia:fail auth deny', 'permission'],
    ['chooseMedia:fail privacy permission is not authorized', 'permission'],
    ['chooseMedia:fail system error', 'unknown'],
  ])('rejects %s as a PlatformError of kind %s', async (errMsg, kind) => {
    fakeWx({ ...sdk('3.5.0'), chooseMedia: (o) => o.fail({ errMsg }) });
    const error = await createWechatPlatform().chooseMedia({ count: 9, source: 'album' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ kind, message: errMsg });
  });
});

describe('chooseMessageFile', () => {
  it('asks for any file type, at most 100, and keeps the sender’s file name', async () => {
    fakeWx({ chooseMessageFile: (o) => o.success({ tempFiles: [{ path: 'wxfile://tmp_1', size: 10, name: 'Report.PDF', type: 'file', time: 0 }] }) });
    const files = await createWechatPlatform().chooseChatFiles!({ count: 500 });
    expect(calls.chooseMessageFile[0]).toMatchObject({ type: 'all', count: CHAT_FILE_COUNT_MAX });
    expect(files).toEqual([{ path: 'wxfile://tmp_1', name: 'Report.PDF', size: 10, type: 'application/pdf', kind: 'file' }]);
  });

  it('filters by type, and by extension only with type file (WeChat ignores it otherwise)', async () => {
    fakeWx({ chooseMessageFile: (o) => o.success({ tempFiles: [] }) });
    const platform = createWechatPlatform();
    await platform.chooseChatFiles!({ count: 5, type: 'image', extensions: ['jpg'] });
    await platform.chooseChatFiles!({ count: 5, type: 'file', extensions: ['pdf', 'jpg'] });
    expect(calls.chooseMessageFile[0]).toEqual(expect.objectContaining({ type: 'image' }));
    expect(calls.chooseMessageFile[0]).not.toHaveProperty('extension');
    expect(calls.chooseMessageFile[1]).toMatchObject({ type: 'file', extension: ['pdf', 'jpg'] });
  });

  it('resolves [] on cancel', async () => {
    fakeWx({ chooseMessageFile: (o) => o.fail({ errMsg: 'chooseMessageFile:fail cancel' }) });
    await expect(createWechatPlatform().chooseChatFiles!({ count: 5 })).resolves.toEqual([]);
  });
});

describe('clipboard, toast, storage, language', () => {
  it('copies through setClipboardData and rejects a failure as a PlatformError', async () => {
    fakeWx({ setClipboardData: (o) => (o.data === 'bad' ? o.fail({ errMsg: 'setClipboardData:fail' }) : o.success({})) });
    await expect(createWechatPlatform().copyText('https://x.example.com/a.jpg', '已复制')).resolves.toBeUndefined();
    expect(calls.setClipboardData[0].data).toBe('https://x.example.com/a.jpg');
    await expect(createWechatPlatform().copyText('bad', '已复制')).rejects.toBeInstanceOf(PlatformError);
  });

  it('shows errors without an icon so the whole sentence fits', () => {
    fakeWx({ showToast: () => undefined });
    createWechatPlatform().toast('网络连接失败，请检查网络后重试', 'error');
    createWechatPlatform().toast('已清空', 'success');
    expect(calls.showToast.map((o) => o.icon)).toEqual(['none', 'success']);
  });

  it('puts an error too long for a toast (two lines) into a modal with only an OK button, so the reason is not cut', () => {
    fakeWx({ showToast: () => undefined, showModal: () => undefined });
    const long = '无法选择文件：chooseMedia:fail the storage space of the phone is insufficient, free some space and retry';
    createWechatPlatform().toast(long, 'error');
    createWechatPlatform().toast('网络连接失败，请检查网络后重试', 'error');
    expect(calls.showModal).toEqual([expect.objectContaining({ content: long, showCancel: false })]);
    expect(calls.showToast.map((o) => o.title)).toEqual(['网络连接失败，请检查网络后重试']);
  });

  it('reads a never-stored key ("" on WeChat) as undefined and turns a refused write into a PlatformError', () => {
    fakeWx({
      getStorageSync: () => '',
      setStorageSync: () => {
        throw new Error('setStorageSync:fail exceed storage max size 10Mb');
      },
    });
    const { storage } = createWechatPlatform();
    expect(storage.get('missing')).toBeUndefined();
    expect(() => storage.set('k', [1])).toThrow(PlatformError);
  });

  it('speaks English only when the phone does', () => {
    expect(['en', 'en_US', 'en-GB', 'zh_CN', 'zh_HK', ''].map(languageFrom)).toEqual(['en', 'en', 'en', 'zh', 'zh', 'zh']);
    fakeWx(sdk('3.5.0', 'en_US'));
    expect(createWechatPlatform().language()).toBe('en');
  });

  it('falls back to getSystemInfoSync on base libraries without getAppBaseInfo', () => {
    fakeWx({ getAppBaseInfo: () => { throw new Error('wx.getAppBaseInfo is not a function'); }, getSystemInfoSync: () => ({ SDKVersion: '2.10.0', language: 'en' }) });
    expect(createWechatPlatform().language()).toBe('en');
    expect(mediaCountMax('2.10.0')).toBe(MEDIA_COUNT_MAX_LEGACY);
  });
});

describe('uploadFile progress support', () => {
  const start = (task: object) => {
    fakeWx({ uploadFile: () => task });
    return createWechatPlatform().upload({
      method: 'POST',
      url: 'https://bucket.example.com/',
      filePath: 'wxfile://tmp/a.jpg',
      fileName: 'a.jpg',
      fileField: 'file',
      fields: {},
      headers: {},
      onProgress: () => undefined,
    });
  };

  it('says the upload reports progress when the task has onProgressUpdate, and not when it has none', () => {
    expect(start({ onProgressUpdate: () => undefined, abort: () => undefined }).reportsProgress).toBe(true);
    // A base library whose task has no onProgressUpdate: the engine must not read its silence as a stall.
    expect(start({ abort: () => undefined }).reportsProgress).toBe(false);
  });
});

describe('actionSheet', () => {
  it('resolves the tapped index, and undefined when dismissed', async () => {
    fakeWx({ showActionSheet: (o) => o.success({ tapIndex: 1 }) });
    await expect(createWechatPlatform().actionSheet(['拍照', '从相册选择'])).resolves.toBe(1);
    expect(calls.showActionSheet[0]).toMatchObject({ itemList: ['拍照', '从相册选择'] });
    fakeWx({ showActionSheet: (o) => o.fail({ errMsg: 'showActionSheet:fail cancel' }) });
    await expect(createWechatPlatform().actionSheet(['拍照'])).resolves.toBeUndefined();
  });
});
