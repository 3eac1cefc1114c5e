// The app's words, both languages: every entry of the Chinese table has an English one
// that is filled in and holds no Chinese, and no page or component template of either
// app writes words of its own (everything a person reads comes through i18n, so an
// English phone never shows a stray Chinese label, nor a Chinese phone an English one).
import fs from 'node:fs';
import path from 'node:path';
import { uiMessages, type UiMessages } from '../../miniprogram/shared/ui/i18n';

const ROOT = path.resolve(__dirname, '../..');
/** Han ideographs and CJK punctuation (，。：“” …), which an English phone must never show. */
const CHINESE = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const LIMITS = { maxBytes: 20 * 1024 * 1024, maxFiles: 9, allowedTypes: ['image/*'] };
const MIXED_LIMITS = { ...LIMITS, allowedTypes: ['image/*', 'video/mp4', 'application/pdf'] };

/** Every text an entry can produce: strings as they are, functions over the arguments they take. */
function textsOf(name: keyof UiMessages, value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => textsOf(name, v));
  if (typeof value === 'function') {
    const call = value as (...args: unknown[]) => string;
    switch (name) {
      case 'limitsHint':
        return [call(LIMITS), call(MIXED_LIMITS)];
      case 'date':
        return [call(new Date(2026, 10, 20), false), call(new Date(2025, 10, 20), true)];
      case 'doneCount':
        return [call(1, 9), call(9, 9)];
      case 'sizeLine':
        return [call(1, 4_100_000, 4_100_000, true), call(9, 4_100_000, 31_000_000, false)];
      case 'tileLabel':
        return [call('IMG_1.jpg', 'state')];
      case 'retryReason':
        return (['network', 'timeout', 'busy', 'server'] as const).map((reason) => call(reason));
      case 'retryNote':
        return (['network', 'timeout', 'busy', 'server'] as const).flatMap((reason) => [call(reason, 1), call(reason, 8)]);
      case 'failedCount':
      case 'cancelledCount':
        return [call(1, true), call(9, false)];
      default:
        return [call(1), call(9)];
    }
  }
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap((v) => textsOf(name, v));
  throw new Error(`${String(name)}: an entry of an unexpected kind`);
}

describe('ui messages', () => {
  const zh = uiMessages('zh');
  const en = uiMessages('en');
  const names = Object.keys(zh).filter((name) => name !== 'lang') as Array<keyof UiMessages>;

  test('the English table has exactly the entries of the Chinese one', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  test.each(names)('%s: Chinese in Chinese; English, filled in, without Chinese', (name) => {
    const chinese = textsOf(name, zh[name]);
    const english = textsOf(name, en[name]);
    expect(english).toHaveLength(chinese.length);
    for (const text of chinese) expect(text).toMatch(CHINESE);
    for (const text of english) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(CHINESE);
    }
  });
});

const TEMPLATE_DIRS = ['miniprogram/pages', 'miniprogram/components', 'alipay/pages', 'alipay/components'];
/** Marks that are pictures, not words (the + tile, the × in a corner): each has a translated aria-label. */
const GLYPHS = /^[+×]$/;
/** Attributes a person (or a screen reader) reads. */
const READ_ATTRIBUTES = /\s(aria-label|placeholder|title|alt|confirm-text|cancel-text)="([^"]*)"/g;
/** Template words knowingly left outside i18n, each with its reason (none now). */
const KNOWN: ReadonlySet<string> = new Set<string>();

function templates(): string[] {
  return TEMPLATE_DIRS.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.wxml') || file.endsWith('.axml'))
      .map((file) => path.join(dir, file)),
  );
}

/** What a template says in its own words: text and read attributes, without comments and {{…}}. */
function ownWords(file: string): Array<{ where: string; words: string }> {
  const source = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  // {{…}} first: an expression may hold ">" (count > 0), which would cut a text node short.
  const bare = source.replace(/\{\{[\s\S]*?\}\}/g, '');
  const found: Array<{ where: string; words: string }> = [];
  for (const [, text] of bare.matchAll(/>([^<]+)</g)) {
    const words = text.trim();
    if (words !== '' && !GLYPHS.test(words)) found.push({ where: 'text', words });
  }
  for (const [, attribute, value] of bare.matchAll(READ_ATTRIBUTES)) {
    const words = value.trim();
    if (words !== '') found.push({ where: attribute, words });
  }
  return found;
}

describe('templates write no words of their own', () => {
  const files = templates();

  test('finds the templates of both apps', () => {
    expect(files.filter((f) => f.endsWith('.wxml')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.endsWith('.axml')).length).toBeGreaterThanOrEqual(3);
  });

  const labelOf = (file: string, where: string, words: string) => `${file.split(path.sep).slice(1, 3).join('/')} ${where} "${words}"`;

  test.each(files)('%s', (file) => {
    expect(ownWords(file).filter(({ where, words }) => !KNOWN.has(labelOf(file, where, words)))).toEqual([]);
  });

  test('each known exception is still there (one fixed leaves the list)', () => {
    const seen = new Set(files.flatMap((file) => ownWords(file).map(({ where, words }) => labelOf(file, where, words))));
    for (const known of KNOWN) expect(seen).toContain(known);
  });
});

test('counts say 张 / photos for photos only, and 个 / files once a video or a file is among them', () => {
  const zh = uiMessages('zh');
  const en = uiMessages('en');
  expect([zh.sizeLine(9, 4_100_000, 31_000_000, true), zh.sizeLine(3, 50_700_000, 52_300_000, false)]).toEqual(['共 9 张 · 3.9 MB，原图 29.6 MB', '共 3 个 · 48.4 MB，原图 49.9 MB']);
  expect([zh.failedCount(2, true), zh.failedCount(2, false), zh.cancelledCount(1, false)]).toEqual(['2 张失败', '2 个失败', '1 个已取消']);
  expect([en.sizeLine(1, 10, 10, true), en.sizeLine(2, 10, 10, false)]).toEqual(['1 photo · 10 B', '2 files · 10 B']);
});

test("a tile's accessible label joins name and state the language's way", () => {
  expect(uiMessages('zh').tileLabel('照片 1 · 今天 10:03', '已上传')).toBe('照片 1 · 今天 10:03，已上传');
  expect(uiMessages('en').tileLabel('Photo 1 · Today 10:03', 'Uploaded')).toBe('Photo 1 · Today 10:03, Uploaded');
});

test("a retry's note names each reason in the words of the failures, and counts whole seconds", () => {
  const zh = uiMessages('zh');
  const en = uiMessages('en');
  expect((['network', 'timeout', 'busy', 'server'] as const).map((reason) => zh.retryNote(reason, 3))).toEqual([
    '网络中断，3 秒后重试',
    '上传超时，3 秒后重试',
    '服务器繁忙，3 秒后重试',
    '服务器暂时出错，3 秒后重试',
  ]);
  expect((['network', 'timeout', 'busy', 'server'] as const).map((reason) => en.retryNote(reason, 3))).toEqual([
    'Connection lost — retrying in 3 s',
    'Timed out — retrying in 3 s',
    'Server busy — retrying in 3 s',
    'Server error — retrying in 3 s',
  ]);
  expect([zh.retryCountdown(8), en.retryCountdown(8)]).toEqual(['8 秒后重试', 'Retrying in 8 s']);
  expect([zh.retryReason('busy'), en.retryReason('busy')]).toEqual(['服务器繁忙', 'Server busy']);
});
