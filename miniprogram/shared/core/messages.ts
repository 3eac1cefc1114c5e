// What a person reads when a file cannot go or did not arrive: plain, specific,
// and saying what to do next. `Record<FailureReason, …>` makes the compiler refuse
// a reason without a text in either language.
import type { FailureReason, Lang, RejectionReason } from './types';
import { formatBytes } from '../contract/index';

/** What a text may mention; each text uses what it needs and copes without it. */
export interface MessageContext {
  /** The limit that applied (bytes). */
  maxBytes?: number;
  maxFiles?: number;
  allowedTypes?: readonly string[];
  fileSize?: number;
  fileType?: string;
  status?: number;
  /** Provider or signer error code. */
  code?: string;
  /** The signer's own sentence, shown as is. */
  detail?: string;
  /** Host that the platform refused (domain allow-list). */
  host?: string;
}

const TYPE_NAMES: Record<Lang, Record<string, string>> = {
  zh: { 'image/*': '照片', 'video/*': '视频', 'audio/*': '音频', 'text/*': '文本文件', 'application/pdf': 'PDF 文件', '*/*': '任意文件', '*': '任意文件' },
  en: { 'image/*': 'photos', 'video/*': 'videos', 'audio/*': 'audio', 'text/*': 'text files', 'application/pdf': 'PDF files', '*/*': 'any file', '*': 'any file' },
};

/**
 * A refused file named by what people call it ("PDF 文件", "视频"), never by its MIME
 * type: by exact type first, then by the part before the slash.
 */
const KIND_NAMES: Record<Lang, Array<[RegExp, string]>> = {
  zh: [
    [/^application\/pdf$/, 'PDF 文件'],
    [/^application\/(msword|vnd\.openxmlformats-officedocument\.wordprocessingml)/, 'Word 文档'],
    [/^application\/(vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml)/, 'Excel 表格'],
    [/^application\/(vnd\.ms-powerpoint|vnd\.openxmlformats-officedocument\.presentationml)/, 'PPT 演示文稿'],
    [/^application\/(zip|x-7z-compressed|x-rar-compressed|vnd\.rar|gzip|x-tar)/, '压缩包'],
    [/^image\/svg\+xml$/, 'SVG 图形'],
    [/^image\//, '这种格式的图片'],
    [/^video\//, '视频'],
    [/^audio\//, '音频'],
    [/^text\//, '文本文件'],
  ],
  en: [
    [/^application\/pdf$/, 'PDF files'],
    [/^application\/(msword|vnd\.openxmlformats-officedocument\.wordprocessingml)/, 'Word documents'],
    [/^application\/(vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml)/, 'Excel sheets'],
    [/^application\/(vnd\.ms-powerpoint|vnd\.openxmlformats-officedocument\.presentationml)/, 'PowerPoint files'],
    [/^application\/(zip|x-7z-compressed|x-rar-compressed|vnd\.rar|gzip|x-tar)/, 'Archives'],
    [/^image\/svg\+xml$/, 'SVG drawings'],
    [/^image\//, 'Images in this format'],
    [/^video\//, 'Videos'],
    [/^audio\//, 'Audio files'],
    [/^text\//, 'Text files'],
  ],
};

export function kindName(type: string | undefined, lang: Lang): string {
  const actual = (type ?? '').split(';')[0].trim().toLowerCase();
  const found = KIND_NAMES[lang].find(([pattern]) => pattern.test(actual));
  return found ? found[1] : lang === 'zh' ? '这种文件' : 'Files of this kind';
}

/** What a category is called after a format's name: "PNG 图片", "MP4 videos". */
const CATEGORY_NOUNS: Record<Lang, Record<string, string>> = {
  zh: { image: '图片', video: '视频', audio: '音频', text: '文本文件' },
  en: { image: 'images', video: 'videos', audio: 'audio', text: 'text files' },
};
/** Types whose everyday format name is not their subtype in capitals. */
const FORMAT_NAMES: Record<string, string> = {
  'image/pjpeg': 'JPEG',
  'video/quicktime': 'MOV',
  'video/x-msvideo': 'AVI',
  'audio/mpeg': 'MP3',
  'audio/mp4': 'M4A',
  'text/plain': 'TXT',
};

/** KIND_NAMES' own names begin a sentence; inside a list a common noun is lowercase ("photos, archives"). */
const midSentence = (name: string) => (/^(Archives|Images|Videos|Audio|Text)\b/.test(name) ? name[0].toLowerCase() + name.slice(1) : name);

/** One allowed type in words: "照片", "PDF 文件", "PNG 图片", "MP4 videos"; the type itself only when nothing fits. */
function typeName(pattern: string, lang: Lang): string {
  const type = pattern.trim().toLowerCase();
  const named = TYPE_NAMES[lang][type];
  if (named !== undefined) return named;
  // A kind with a name of its own (Word 文档, 压缩包, SVG 图形), not just its category's ("这种格式的图片").
  const special = KIND_NAMES[lang].find(([re]) => !re.source.endsWith('\\/') && re.test(type));
  if (special) return midSentence(special[1]);
  const [category, subtype = ''] = type.split('/');
  const noun = CATEGORY_NOUNS[lang][category];
  if (noun === undefined || !/^[a-z0-9.+-]{1,20}$/.test(subtype)) return pattern.trim();
  return `${FORMAT_NAMES[type] ?? subtype.replace(/^x-/, '').toUpperCase()} ${noun}`;
}

/** Chinese text puts a space between a character and a Latin word that follows it ("只能上传 JPEG 图片"). */
export const spaceBeforeLatin = (text: string) => (/^[A-Za-z0-9]/.test(text) ? ` ${text}` : text);

/** ['image/*', 'application/pdf', 'image/png'] -> "照片、PDF 文件、PNG 图片" / "photos, PDF files or PNG images". */
export function describeTypes(patterns: readonly string[], lang: Lang): string {
  const names = patterns.map((p) => typeName(p, lang));
  if (lang === 'zh') return names.join('、');
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
}

const size = (c: MessageContext) => (c.maxBytes !== undefined ? formatBytes(c.maxBytes) : undefined);

/**
 * The refused file's size, told apart from the limit: a file a few bytes over
 * "20 MB" would otherwise read "larger than 20 MB (this one is 20 MB)".
 */
const fileSize = (c: MessageContext) => {
  if (c.fileSize === undefined) return undefined;
  const text = formatBytes(c.fileSize);
  return text === size(c) ? `${c.fileSize} B` : text;
};
const httpStatus = (c: MessageContext) => (c.status !== undefined ? `HTTP ${c.status}` : undefined);
const withParens = (lang: Lang, ...parts: (string | undefined)[]) => {
  const text = parts.filter(Boolean).join(', ');
  if (!text) return '';
  return lang === 'zh' ? `（${text}）` : ` (${text})`;
};

/**
 * signing: 'client' problems. They can only be fixed by the app's developer, so the
 * text names the setting or command that fixes each one.
 */
const CLIENT_SIGNING: Record<Lang, Record<string, string>> = {
  zh: {
    NotConfigured:
      "上传服务没有开启临时密钥（/api/credentials 未配置）：请在 miniprogram/config.ts 中把 signing 改为 'server'，或在签名服务上配置 UPLOAD_STS_ROLE_ARN",
    QuotaNotEnforceable:
      "上传服务按用户限制每日上传量，临时密钥无法遵守这个限制，所以不发放：请在 miniprogram/config.ts 中把 signing 改为 'server'，或在签名服务上把 UPLOAD_QUOTA_FILES_PER_DAY 和 UPLOAD_QUOTA_BYTES_PER_DAY 设为 0",
    NpmNotBuilt: "客户端签名需要 crypto-js，但小程序的 npm 还没有构建：请运行 npm run pack:mp（或在开发者工具中点“构建 npm”），或把 signing 改为 'server'",
    NoSecureRandom: "这个平台没有安全随机数接口，无法在手机上签名：请在 miniprogram/config.ts 中把 signing 改为 'server'",
    SignFailed: '无法在手机上生成上传凭证',
  },
  en: {
    NotConfigured:
      "The upload service does not hand out temporary credentials (/api/credentials is not configured): set signing: 'server' in miniprogram/config.ts, or configure UPLOAD_STS_ROLE_ARN on the signer.",
    QuotaNotEnforceable:
      "The upload service holds each user to a daily quota, which temporary credentials could not keep to, so it hands out none: set signing: 'server' in miniprogram/config.ts, or set UPLOAD_QUOTA_FILES_PER_DAY and UPLOAD_QUOTA_BYTES_PER_DAY to 0 on the signer.",
    NpmNotBuilt:
      "Client-side signing needs crypto-js, but the mini program's npm packages are not built: run npm run pack:mp (or DevTools' Build npm), or set signing: 'server'.",
    NoSecureRandom: "This platform has no secure random source, so the app cannot sign: set signing: 'server' in miniprogram/config.ts.",
    SignFailed: 'The app could not sign this upload',
  },
};

function clientSigningText(lang: Lang, c: MessageContext): string {
  const texts = CLIENT_SIGNING[lang];
  const known = c.code !== undefined && c.code !== 'SignFailed' && Object.prototype.hasOwnProperty.call(texts, c.code) ? texts[c.code] : undefined;
  if (known) return known;
  const detail = c.detail ? (lang === 'zh' ? `：${c.detail}` : `: ${c.detail}`) : '';
  return texts.SignFailed + detail + (lang === 'zh' ? '' : '.');
}

type Texts<R extends string> = Record<Lang, Record<R, (c: MessageContext) => string>>;

const FAILURES: Texts<FailureReason> = {
  zh: {
    network: () => '网络连接失败，请检查网络后重试',
    timeout: () => '上传超时，请在网络较好时重试',
    server: (c) => `服务器暂时出错${withParens('zh', httpStatus(c), c.code)}，请稍后重试`,
    tooLarge: (c) => (size(c) ? `文件超过 ${size(c)} 上限，请压缩后再传` : '文件超过大小上限，请压缩后再传'),
    typeNotAllowed: (c) =>
      `${kindName(c.fileType, 'zh')}不能上传` + (c.allowedTypes?.length ? `，只能上传${spaceBeforeLatin(describeTypes(c.allowedTypes, 'zh'))}` : ''),
    expired: () => '上传凭证已过期，请重试',
    denied: (c) => `存储服务拒绝了这次上传${withParens('zh', c.code)}，请重试；仍失败请联系管理员`,
    unauthorized: () => '没有上传权限：上传服务需要有效的访问令牌，请联系管理员',
    signerUnreachable: () => '连不上上传服务，请检查网络后重试',
    signerSlow: () => '上传服务响应太慢，迟迟没有回应，请稍后重试',
    signerRejected: (c) => `上传服务拒绝了请求${c.detail ? `：${c.detail}` : withParens('zh', httpStatus(c), c.code)}`,
    appFault: (c) => `应用出错${withParens('zh', c.code)}，这个文件没有上传；请移除它，再重新选择`,
    badResponse: () => '上传服务的回应无法识别，请稍后重试；仍失败请联系管理员',
    domain: (c) => `${c.host ? `域名 ${c.host} ` : '该地址'}不在小程序的合法域名列表中，请在后台添加后重试`,
    file: () => '无法读取这个文件，请重新选择',
    clientSigning: (c) => clientSigningText('zh', c),
    quota: (c) =>
      c.code === 'ByteQuotaExceeded'
        ? '今日上传已达上限（总大小），这一批没有上传；请明天再试，或少选几个、小一些的文件'
        : '今日上传已达上限（文件数），这一批没有上传；请明天再试，或少选几个文件',
    rateLimited: () => '上传太频繁了，请稍等一分钟再试',
    signIn: (c) => `登录失败${withParens('zh', c.code)}，请稍后重试`,
    unknown: (c) => `上传失败${withParens('zh', httpStatus(c), c.code)}，请重试`,
  },
  en: {
    network: () => 'No network connection. Check your connection and try again.',
    timeout: () => 'The upload timed out. Try again on a better connection.',
    server: (c) => `The server had a temporary problem${withParens('en', httpStatus(c), c.code)}. Try again in a moment.`,
    tooLarge: (c) =>
      size(c) ? `The file is larger than the ${size(c)} limit. Compress it and try again.` : 'The file is too large.',
    typeNotAllowed: (c) =>
      `${kindName(c.fileType, 'en')} cannot be uploaded.` + (c.allowedTypes?.length ? ` Only ${describeTypes(c.allowedTypes, 'en')} can be.` : ''),
    expired: () => 'The upload permission expired. Try again.',
    denied: (c) => `The storage service refused this upload${withParens('en', c.code)}. Retry; if it keeps failing, contact the administrator.`,
    unauthorized: () => 'Not allowed to upload: the upload service needs a valid access token. Contact the administrator.',
    signerUnreachable: () => 'Cannot reach the upload service. Check your connection and try again.',
    signerSlow: () => 'The upload service is taking too long to answer. Try again in a moment.',
    signerRejected: (c) =>
      `The upload service refused the request${c.detail ? `: ${c.detail}` : withParens('en', httpStatus(c), c.code)}`,
    appFault: (c) => `The app made an error${withParens('en', c.code)}, so this file was not uploaded. Remove it and pick it again.`,
    badResponse: () => 'The upload service sent an answer the app does not understand. Try again later or contact the administrator.',
    domain: (c) => `${c.host ? `The domain ${c.host} is` : 'This address is'} not on the mini program's allowed domain list. Add it in the admin console, then retry.`,
    file: () => 'This file cannot be read. Pick it again.',
    clientSigning: (c) => clientSigningText('en', c),
    quota: (c) =>
      c.code === 'ByteQuotaExceeded'
        ? "Today's upload limit (total size) is reached, so this batch was not uploaded. Try again tomorrow, or pick fewer or smaller files."
        : "Today's upload limit (number of files) is reached, so this batch was not uploaded. Try again tomorrow, or pick fewer files.",
    rateLimited: () => 'Too many uploads in a short time. Wait a minute and try again.',
    signIn: (c) => `Signing in failed${withParens('en', c.code)}. Try again in a moment.`,
    unknown: (c) => `The upload failed${withParens('en', httpStatus(c), c.code)}. Try again.`,
  },
};

const REJECTIONS: Texts<RejectionReason> = {
  zh: {
    tooLarge: (c) =>
      `文件超过 ${size(c) ?? '大小'} 上限` + (fileSize(c) !== undefined ? `（此文件 ${fileSize(c)}）` : ''),
    typeNotAllowed: (c) =>
      `${kindName(c.fileType, 'zh')}不能上传` + (c.allowedTypes?.length ? `，只能上传${spaceBeforeLatin(describeTypes(c.allowedTypes, 'zh'))}` : ''),
    tooMany: (c) => (c.maxFiles !== undefined ? `一次最多上传 ${c.maxFiles} 个文件，请分批添加` : '一次添加的文件太多，请分批添加'),
    empty: () => '文件是空的（0 字节），无法上传',
  },
  en: {
    tooLarge: (c) =>
      `The file is larger than the ${size(c) ?? 'size'} limit` +
      (fileSize(c) !== undefined ? ` (this one is ${fileSize(c)}).` : '.'),
    typeNotAllowed: (c) =>
      `${kindName(c.fileType, 'en')} cannot be uploaded.` + (c.allowedTypes?.length ? ` Only ${describeTypes(c.allowedTypes, 'en')} can be.` : ''),
    tooMany: (c) =>
      c.maxFiles !== undefined ? `At most ${c.maxFiles} files can be added at once. Add the rest in another batch.` : 'Too many files at once.',
    empty: () => 'The file is empty (0 bytes) and cannot be uploaded.',
  },
};

export function failureMessage(reason: FailureReason, lang: Lang, context: MessageContext = {}): string {
  return FAILURES[lang][reason](context);
}

export function rejectionMessage(reason: RejectionReason, lang: Lang, context: MessageContext = {}): string {
  return REJECTIONS[lang][reason](context);
}

/** Reasons that mean the signer could not be reached at all. */
const UNREACHABLE_REASONS: readonly FailureReason[] = ['signerUnreachable', 'network', 'timeout'];

/** A link the signer will not sign for this caller: the file was uploaded under another sign-in (or before one). */
export function linkNotYoursMessage(lang: Lang): string {
  return lang === 'zh' ? '文件已上传，但不是用当前登录的账号传的，取不到访问链接' : 'Uploaded under another sign-in, so its link cannot be fetched here.';
}

/**
 * A private bucket's link could not be signed. The upload itself is done, and the
 * text says so first: the person must not upload the file again, only retry the link.
 */
export function linkFailureMessage(reason: FailureReason, lang: Lang, c: MessageContext = {}): string {
  const unreachable = UNREACHABLE_REASONS.includes(reason);
  const slow = reason === 'signerSlow';
  if (lang === 'zh') {
    const why = slow ? '（上传服务响应太慢）' : unreachable ? '（连不上上传服务）' : c.detail ? `：${c.detail}` : withParens('zh', httpStatus(c), c.code);
    return `文件已上传，但没能取得访问链接${why}。请点“重试”再取链接`;
  }
  const why = slow ? ' (the upload service is too slow to answer)' : unreachable ? ' (cannot reach the upload service)' : c.detail ? `: ${c.detail}` : withParens('en', httpStatus(c), c.code);
  return `Uploaded, but its link could not be fetched${why}. Tap Retry to fetch the link again.`;
}
