// One size formatter for the app's messages, the signer's errors and the console page.
import { formatBytes } from '../../miniprogram/shared/contract/index';

it('writes sizes the way phones show them', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(9254)).toBe('9 KB');
  expect(formatBytes(1572864)).toBe('1.5 MB');
  expect(formatBytes(20971520)).toBe('20 MB');
  expect(formatBytes(10 * 1024 ** 3)).toBe('10 GB');
  expect(formatBytes(3 * 1024 ** 4)).toBe('3 TB');
});
