// The signer's SigningCrypto: Node's crypto. The mini program injects crypto-js instead.
import { createHash, createHmac } from 'node:crypto';
import type { SigningCrypto } from '../../miniprogram/shared/signing/index';

export const nodeCrypto: SigningCrypto<Buffer> = {
  utf8: (text) => Buffer.from(text, 'utf8'),
  hmacSha256: (key, message) => createHmac('sha256', key).update(message, 'utf8').digest(),
  hmacSha1: (key, message) => createHmac('sha1', key).update(message, 'utf8').digest(),
  sha256Hex: (message) => createHash('sha256').update(message, 'utf8').digest('hex'),
  sha1Hex: (message) => createHash('sha1').update(message, 'utf8').digest('hex'),
  md5Base64: (message) => createHash('md5').update(message, 'utf8').digest('base64'),
  hex: (bytes) => bytes.toString('hex'),
  base64: (bytes) => bytes.toString('base64'),
  base64Utf8: (text) => Buffer.from(text, 'utf8').toString('base64'),
};
