// The app guesses a type from a name only where the signer would infer the same
// one, so a file the phone accepts is one the signer accepts (and vice versa).
import { extensionOfName, typeForExtension } from '../../cloud-signer/src/mime';
import { mimeFromName, UNKNOWN_TYPE } from '../../miniprogram/shared/core/mime';
import { EXTENSION_ALIASES, TYPE_BY_EXTENSION } from '../../miniprogram/shared/contract/mime-table';

describe('app and signer read a file name alike', () => {
  const names = [...Object.keys(TYPE_BY_EXTENSION), ...Object.keys(EXTENSION_ALIASES)].flatMap((ext) => [
    `IMG_1.${ext}`,
    `wxfile://tmp/IMG_1.${ext.toUpperCase()}`,
  ]);

  it.each(names)('%s', (name) => {
    const ext = extensionOfName(name);
    expect(ext).toBeDefined();
    expect(mimeFromName(name)).toBe(typeForExtension(ext!));
  });

  it('labels .svg although the signer never infers it, and nothing from prototype names', () => {
    expect(extensionOfName('a.svg')).toBeUndefined();
    expect(mimeFromName('a.svg')).toBe('image/svg+xml');
    expect(mimeFromName('a.constructor')).toBe(UNKNOWN_TYPE);
    expect(mimeFromName('a.__proto__')).toBe(UNKNOWN_TYPE);
  });
});
