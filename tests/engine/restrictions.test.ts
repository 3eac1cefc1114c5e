import { checkBatch, checkFile, typeMatches } from '../../miniprogram/shared/core/restrictions';
import { effectiveType, mimeFromName } from '../../miniprogram/shared/core/mime';
import type { PickedFile } from '../../miniprogram/shared/core/types';

const file = (name: string, size: number, type = ''): PickedFile => ({ path: `tmp/${name}`, name, size, type, kind: 'file' });
const limits = { maxBytes: 100, maxFiles: 2, allowedTypes: ['image/*', 'application/pdf'] };

describe('restrictions', () => {
  test.each([
    ['image/jpeg', 'image/*', true],
    ['IMAGE/PNG', 'image/*', true],
    ['image/png; charset=x', 'image/png', true],
    ['video/mp4', 'image/*', false],
    ['imagex/png', 'image/*', false],
    ['application/pdf', '*/*', true],
    ['application/zip', '*', true],
    ['image/svg+xml', 'image/*', false],
    ['text/html', '*/*', false],
    ['image/svg+xml', 'image/svg+xml', true],
  ])('%s matches %s: %s', (type, pattern, expected) => {
    expect(typeMatches(type, pattern)).toBe(expected);
  });

  test('empty before size before type', () => {
    expect(checkFile(file('a.mp4', 0, 'video/mp4'), limits)).toBe('empty');
    expect(checkFile(file('a.mp4', 101, 'video/mp4'), limits)).toBe('tooLarge');
    expect(checkFile(file('a.mp4', 100, 'video/mp4'), limits)).toBe('typeNotAllowed');
    expect(checkFile(file('a.pdf', 100), limits)).toBeUndefined(); // type from the name
  });

  test('maxFiles counts accepted files only; refused files do not use a place', () => {
    const result = checkBatch([file('big.jpg', 500), file('a.jpg', 1), file('b.jpg', 1), file('c.jpg', 1)], limits);
    expect(result.accepted.map((f) => f.name)).toEqual(['a.jpg', 'b.jpg']);
    expect(result.rejected.map((r) => [r.file.name, r.reason])).toEqual([
      ['big.jpg', 'tooLarge'],
      ['c.jpg', 'tooMany'],
    ]);
  });

  test('MIME from names, and a declared type wins unless it says nothing', () => {
    expect(mimeFromName('wxfile://tmp/ABC.JPEG')).toBe('image/jpeg');
    expect(mimeFromName('noext')).toBe('application/octet-stream');
    expect(mimeFromName('.hidden')).toBe('application/octet-stream');
    expect(effectiveType({ name: 'x.png', type: 'image/webp' })).toBe('image/webp');
    expect(effectiveType({ name: 'x.png', type: 'application/octet-stream' })).toBe('image/png');
  });
});
