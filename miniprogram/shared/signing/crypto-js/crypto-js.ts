// The mini program's SigningCrypto: crypto-js for hashing, js-base64 for text.
// The same dialect code runs in the signer with Node's crypto; only these
// primitives differ, so a ticket signed in the app equals the server's.
//
// Imported from the packages' main entries on purpose: WeChat's npm build
// (packNpmManually) packs each package into one miniprogram_npm/<name>/index.js,
// so deep paths such as 'crypto-js/hmac-sha256' would not exist at runtime.
import CryptoJS from 'crypto-js';
import { Base64 } from 'js-base64';
import type { SigningCrypto } from '../index';

type WordArray = CryptoJS.lib.WordArray;

// crypto-js parses a string message as UTF-8, as Node's update(message, 'utf8') does.
export const cryptoJs: SigningCrypto<WordArray> = {
  utf8: (text) => CryptoJS.enc.Utf8.parse(text),
  hmacSha256: (key, message) => CryptoJS.HmacSHA256(message, key),
  hmacSha256Hex: (key, message) => CryptoJS.HmacSHA256(message, key).toString(CryptoJS.enc.Hex),
  hmacSha1: (key, message) => CryptoJS.HmacSHA1(message, key),
  sha256Hex: (message) => CryptoJS.SHA256(message).toString(CryptoJS.enc.Hex),
  sha1Hex: (message) => CryptoJS.SHA1(message).toString(CryptoJS.enc.Hex),
  md5Base64: (message) => CryptoJS.MD5(message).toString(CryptoJS.enc.Base64),
  hex: (bytes) => bytes.toString(CryptoJS.enc.Hex),
  base64: (bytes) => bytes.toString(CryptoJS.enc.Base64),
  base64Utf8: (text) => Base64.encode(text),
};
