import { isExpiryOrSkew, parseStoreError, violatedCondition } from '../../miniprogram/shared/core/store-errors';

describe('store errors', () => {
  test('reads Code and Message from the XML S3, OSS, COS and OBS send', () => {
    const oss = `<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>AccessDenied</Code>
  <Message>Invalid according to Policy: Policy expired.</Message>
  <RequestId>5C3D9175B6FC201293AD****</RequestId>
  <HostId>oss-cn-hangzhou.aliyuncs.com</HostId>
</Error>`;
    expect(parseStoreError(oss)).toEqual({ code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' });
    expect(parseStoreError('<Error><Code>EntityTooLarge</Code><Message>a &amp; b &lt;c&gt;</Message></Error>')).toEqual({
      code: 'EntityTooLarge',
      message: 'a & b <c>',
    });
  });

  test('reads JSON errors, flat or wrapped, and says nothing about bodies it cannot read', () => {
    expect(parseStoreError('{"Code":"RequestTimeTooSkewed","Message":"skewed"}')).toEqual({ code: 'RequestTimeTooSkewed', message: 'skewed' });
    expect(parseStoreError('{"error":{"code":"InternalError","message":"x"}}')).toEqual({ code: 'InternalError', message: 'x' });
    expect(parseStoreError('')).toEqual({});
    expect(parseStoreError('Bad Gateway')).toEqual({});
    expect(parseStoreError('<html><body>502</body></html>')).toEqual({ code: undefined, message: undefined });
  });

  test.each([
    [{ code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' }, true],
    [{ code: 'AccessDenied', message: 'Request has expired' }, true],
    [{ code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' }, true],
    [{ code: 'ExpiredToken', message: 'The provided token has expired.' }, true],
    [{ code: 'InvalidAccessKeyId', message: 'The security token you provided has expired.' }, true],
    [{ code: 'AccessDenied', message: 'Access Denied' }, false],
    [{ code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' }, false],
    [{ code: 'AccessDenied', message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a.jpg"]' }, false],
  ])('expiry or skew: %j -> %s', (error, expected) => {
    expect(isExpiryOrSkew(error)).toBe(expected);
  });

  test('names the size or type condition a refusal is about', () => {
    expect(violatedCondition({ code: 'EntityTooLarge' })).toBe('size');
    expect(violatedCondition({ code: 'AccessDenied', message: 'Policy Condition failed: ["content-length-range", 1, 10]' })).toBe('size');
    expect(violatedCondition({ code: 'AccessDenied', message: 'Policy Condition failed: ["eq", "$Content-Type", "image/png"]' })).toBe('type');
    expect(violatedCondition({ code: 'AccessDenied', message: 'Policy Condition failed: ["eq", "$key", "k"]' })).toBeUndefined();
  });
});
