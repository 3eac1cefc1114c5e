// Key naming and MIME normalisation as pure functions.
import { datePath, isIssuedKeyShape, objectKey, randomKeyPart } from '../../cloud-signer/src/keys';
import { extensionOfName, normaliseType, typeAllowed } from '../../cloud-signer/src/mime';

test('random key parts are 16 hex characters and do not repeat, across pool refills', () => {
  const parts = Array.from({ length: 5000 }, randomKeyPart);
  for (const part of parts) expect(part).toMatch(/^[0-9a-f]{16}$/);
  expect(new Set(parts).size).toBe(parts.length);
  // Every hex digit shows up in every position over 5000 draws if the bytes are random.
  for (let position = 0; position < 16; position++) {
    expect(new Set(parts.map((p) => p[position])).size).toBe(16);
  }
});

test('the date folder is the UTC date, zero padded', () => {
  expect(datePath(new Date('2026-01-02T23:30:00-05:00'))).toBe('2026/01/03/');
  expect(objectKey('uploads/', new Date('2026-11-22T10:00:00Z'), 'jpg', '0123456789abcdef')).toBe(
    'uploads/2026/11/22/0123456789abcdef.jpg',
  );
});

test('only keys of our shape under the prefix count as issued', () => {
  expect(isIssuedKeyShape('uploads/2026/11/22/0123456789abcdef.jpg', 'uploads/')).toBe(true);
  expect(isIssuedKeyShape('uploads/2026/11/22/0123456789abcdef.jpg/../x', 'uploads/')).toBe(false);
  expect(isIssuedKeyShape('other/2026/11/22/0123456789abcdef.jpg', 'uploads/')).toBe(false);
});

test('extensions normalise to one spelling and unknown ones are unknown', () => {
  expect(extensionOfName('A.JPEG')).toBe('jpg');
  expect(extensionOfName('x.tif')).toBe('tiff');
  expect(extensionOfName('x.HEIC')).toBe('heic');
  expect(extensionOfName('archive.tar.zip')).toBe('zip');
  expect(extensionOfName('noext')).toBeUndefined();
  expect(extensionOfName('trailing.')).toBeUndefined();
  expect(extensionOfName('x.svg')).toBeUndefined(); // script-capable: never inferred
  expect(extensionOfName('x.constructor')).toBeUndefined();
});

test('types normalise and match patterns exactly', () => {
  expect(normaliseType(' IMAGE/JPG ; q=1')).toBe('image/jpeg');
  expect(normaliseType('image')).toBeUndefined();
  expect(normaliseType('image/jpeg\nX: y')).toBeUndefined();
  expect(typeAllowed('image/png', ['image/*'])).toBe(true);
  expect(typeAllowed('imagex/png', ['image/*'])).toBe(false);
  expect(typeAllowed('application/pdf', ['image/*', 'application/pdf'])).toBe(true);
  expect(typeAllowed('application/pdfx', ['application/pdf'])).toBe(false);
  // Script-capable types would run on the bucket's domain when a link is opened: never by wildcard, only by name.
  expect(typeAllowed('text/html', ['*/*'])).toBe(false);
  expect(typeAllowed('image/svg+xml', ['image/*'])).toBe(false);
  expect(typeAllowed('image/svg+xml', ['image/*', 'image/svg+xml'])).toBe(true);
});

test('a type asked for again, right after itself or after another, gets the same answer', () => {
  // The last spelling is remembered: each answer, refusals included, must be its own.
  const spellings: Array<[string, string | undefined]> = [
    ['image/jpeg', 'image/jpeg'],
    ['image/jpeg', 'image/jpeg'],
    [' IMAGE/JPG ; q=1', 'image/jpeg'],
    ['image', undefined],
    ['image', undefined],
    ['image/png', 'image/png'],
    ['image/jpeg\nX: y', undefined],
    ['image/png', 'image/png'],
  ];
  for (const [raw, expected] of spellings) expect(normaliseType(raw)).toBe(expected);
});
