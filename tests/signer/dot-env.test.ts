// Issue 9, item 11: a malformed .env line is named by its number. Node's own reader
// (process.loadEnvFile) silently dropped the line after one without "=", and kept an
// unclosed quote as part of the value.
import { ConfigError } from '../../cloud-signer/src/config';
import { parseDotEnv } from '../../cloud-signer/src/dot-env';

test('the usual forms', () => {
  const text = [
    '# a comment',
    '',
    'UPLOAD_BUCKET=dev-bucket',
    '  UPLOAD_REGION = us-east-1  ',
    'export PORT=4000',
    'UPLOAD_KEY_PREFIX=photos/ # where they go',
    'HASH=abc#not-a-comment',
    'EMPTY=',
    'SINGLE=\'kept as # written \\n\'',
    'DOUBLE="line one\\nline two \\"quoted\\""',
    'MULTI="-----BEGIN KEY-----',
    'abc',
    '-----END KEY-----"',
    'AFTER=yes',
  ].join('\r\n');
  expect(parseDotEnv(text)).toEqual({
    UPLOAD_BUCKET: 'dev-bucket',
    UPLOAD_REGION: 'us-east-1',
    PORT: '4000',
    UPLOAD_KEY_PREFIX: 'photos/',
    HASH: 'abc#not-a-comment',
    EMPTY: '',
    SINGLE: 'kept as # written \\n',
    DOUBLE: 'line one\nline two "quoted"',
    MULTI: '-----BEGIN KEY-----\nabc\n-----END KEY-----',
    AFTER: 'yes',
  });
});

function refusal(text: string): ConfigError {
  try {
    parseDotEnv(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the .env text was accepted');
}

test.each([
  ['a line without "="', 'A=1\nUPLOAD_ACCESS_KEY_SECRET is s3cr3t-value\nB=2', 2],
  ['a name with a space', 'A=1\nB=2\nMY KEY=s3cr3t-value', 3],
  ['a quote that never closes', 'A=1\nUPLOAD_ACCESS_KEY_SECRET="s3cr3t-value\nB=2\nC=3', 2],
  ['text after a closing quote', 'A="s3cr3t-value" trailing', 1],
  ['a name twice', 'A=1\nB=2\nA=s3cr3t-value', 3],
])('%s is refused, naming its line and never its value', (_label, text, line) => {
  const error = refusal(text);
  expect(error.message).toContain(`.env line ${line}`);
  expect(error.message).not.toContain('s3cr3t-value');
});
