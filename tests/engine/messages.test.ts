import { describeTypes, failureMessage, rejectionMessage } from '../../miniprogram/shared/core/messages';
import type { FailureReason, Lang, RejectionReason } from '../../miniprogram/shared/core/types';

const FAILURES: FailureReason[] = ['network', 'timeout', 'server', 'tooLarge', 'typeNotAllowed', 'expired', 'denied', 'unauthorized', 'signerUnreachable', 'signerRejected', 'appFault', 'badResponse', 'domain', 'file', 'unknown'];
const REJECTIONS: RejectionReason[] = ['tooLarge', 'typeNotAllowed', 'tooMany', 'empty'];
const LANGS: Lang[] = ['zh', 'en'];

describe('messages', () => {
  test('every failure and rejection has its own text in both languages, even without context', () => {
    for (const lang of LANGS) {
      const failures = FAILURES.map((r) => failureMessage(r, lang));
      const rejections = REJECTIONS.map((r) => rejectionMessage(r, lang));
      for (const text of [...failures, ...rejections]) expect(text.length).toBeGreaterThan(5);
      expect(new Set(failures).size).toBe(FAILURES.length);
      expect(new Set(rejections).size).toBe(REJECTIONS.length);
    }
    expect(failureMessage('network', 'zh')).toMatch(/[\u4e00-\u9fff]/);
    expect(failureMessage('network', 'en')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('limits appear as people read them', () => {
    expect(rejectionMessage('tooLarge', 'zh', { maxBytes: 20971520, fileSize: 26214400 })).toBe('文件超过 20 MB 上限（此文件 25 MB）');
    // Just over the limit rounds to the limit's own text: the exact bytes tell them apart.
    expect(rejectionMessage('tooLarge', 'zh', { maxBytes: 20971520, fileSize: 20971530 })).toBe('文件超过 20 MB 上限（此文件 20971530 B）');
    expect(rejectionMessage('tooLarge', 'en', { maxBytes: 20971520, fileSize: 20971530 })).toContain('(this one is 20971530 B)');
    expect(failureMessage('tooLarge', 'en', { maxBytes: 5 * 1024 * 1024 })).toBe('The file is larger than the 5 MB limit. Compress it and try again.');
    expect(describeTypes(['image/*', 'video/*', 'application/pdf'], 'zh')).toBe('照片、视频、PDF 文件');
    expect(rejectionMessage('typeNotAllowed', 'en', { fileType: 'text/plain', allowedTypes: ['image/*'] })).toBe(
      'Text files cannot be uploaded. Only photos can be.',
    );
  });

  test('exact types are named by their format, never as MIME types people do not read', () => {
    // UPLOAD_ALLOWED_TYPES=image/jpeg,image/png: a GIF is refused naming what can go.
    expect(rejectionMessage('typeNotAllowed', 'zh', { fileType: 'image/gif', allowedTypes: ['image/jpeg', 'image/png'] })).toBe('这种格式的图片不能上传，只能上传 JPEG 图片、PNG 图片');
    expect(rejectionMessage('typeNotAllowed', 'en', { fileType: 'image/gif', allowedTypes: ['image/jpeg', 'image/png'] })).toBe(
      'Images in this format cannot be uploaded. Only JPEG images or PNG images can be.',
    );
    expect(describeTypes(['video/mp4', 'video/quicktime', 'application/zip', 'image/svg+xml', 'application/msword'], 'zh')).toBe('MP4 视频、MOV 视频、压缩包、SVG 图形、Word 文档');
    expect(describeTypes(['application/zip', 'image/heic', 'audio/mpeg'], 'en')).toBe('archives, HEIC images or MP3 audio');
    // Nothing people would recognise: the type as configured, rather than a wrong name.
    expect(describeTypes(['application/octet-stream'], 'zh')).toBe('application/octet-stream');
  });

  test("the signer refusing an idempotency key is the app's fault, said so, with what the person can do: pick the file again", () => {
    for (const code of ['IdempotencyKeyReused', 'InvalidIdempotencyKey']) {
      expect(failureMessage('appFault', 'zh', { code, status: code === 'IdempotencyKeyReused' ? 409 : 400 })).toBe(`应用出错（${code}），这个文件没有上传；请移除它，再重新选择`);
      expect(failureMessage('appFault', 'en', { code })).toBe(`The app made an error (${code}), so this file was not uploaded. Remove it and pick it again.`);
    }
    // The signer's own English sentence is for the developer's console, not for the person.
    expect(failureMessage('appFault', 'zh', { code: 'InvalidIdempotencyKey', detail: 'File 2 has the same idempotencyKey as File 1' })).not.toMatch(/File 2/);
  });
});
