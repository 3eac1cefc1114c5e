// What a person reads as a file's name: "照片 1 · 今天 10:03" for temp-named picks,
// the file's own name for chat files. Dates are local, built from local parts, so
// the test holds in any time zone.
import { createPickLabeller, displayName, pickedWhen } from '../../miniprogram/shared/ui/display-name';
import type { PickedFile } from '../../miniprogram/shared/core/types';

const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 12, 1, 18, 30);

const temp = (name: string, kind: PickedFile['kind'] = 'image'): PickedFile => ({ path: `wxfile://${name}`, name, size: 1, type: 'image/jpeg', kind, tempName: true });

describe('pickedWhen', () => {
  it.each([
    [at(2026, 12, 1, 10, 3), 'zh', '今天 10:03'],
    [at(2026, 12, 1, 10, 3), 'en', 'Today 10:03'],
    [at(2026, 11, 30, 23, 59), 'zh', '昨天 23:59'],
    [at(2026, 11, 30, 0, 5), 'en', 'Yesterday 00:05'],
    [at(2026, 11, 2, 9, 0), 'zh', '11月2日 09:00'],
    [at(2026, 11, 2, 9, 0), 'en', 'Nov 2 09:00'],
    [at(2025, 12, 31, 21, 7), 'zh', '2025年12月31日 21:07'],
    [at(2025, 12, 31, 21, 7), 'en', 'Dec 31, 2025 21:07'],
  ] as const)('%p in %s', (time, lang, text) => {
    expect(pickedWhen(time, NOW, lang)).toBe(text);
  });

  it('counts calendar days: 23:59 yesterday is yesterday at one minute past midnight', () => {
    expect(pickedWhen(at(2026, 11, 30, 23, 59), at(2026, 12, 1, 0, 1), 'zh')).toBe('昨天 23:59');
  });
});

describe('displayName and the labeller', () => {
  it('numbers temp-named photos and videos across picks; chat files keep their own name', () => {
    const label = createPickLabeller();
    const first = label([temp('tmp_0a1b2c.jpg'), temp('tmp_3d4e5f.mp4', 'video')], at(2026, 12, 1, 10, 3));
    const chat: PickedFile = { path: 'wxfile://tmp_9.pdf', name: '合同.pdf', size: 1, type: 'application/pdf', kind: 'file' };
    const second = label([chat, temp('apml77.image')], at(2026, 12, 1, 10, 4));
    expect([...first, ...second].map((f) => displayName(f, 'zh', NOW))).toEqual([
      '照片 1 · 今天 10:03',
      '视频 2 · 今天 10:03',
      '合同.pdf',
      '照片 3 · 今天 10:04',
    ]);
    expect(displayName(second[1], 'en', at(2026, 12, 2, 8, 0))).toBe('Photo 3 · Yesterday 10:04');
    // The technical name (what the signer and the badge read) is untouched.
    expect(second[1].name).toBe('apml77.image');
  });

  it('does not relabel a file that already has a label (a retry, a re-add)', () => {
    const label = createPickLabeller();
    const [once] = label([temp('tmp_1.jpg')], NOW);
    const [again] = label([once], NOW + 60_000);
    expect(again.label).toEqual(once.label);
  });
});
