// The hashing primitives a dialect needs, injected so that one implementation of
// every provider's signing runs both in the signer (Node's crypto) and in the mini
// program (crypto-js). `Bytes` is opaque: a Buffer in Node, a WordArray in crypto-js.

export interface SigningCrypto<Bytes = unknown> {
  /** The UTF-8 bytes of a string, for use as an HMAC key. */
  utf8(text: string): Bytes;
  hmacSha256(key: Bytes, message: string): Bytes;
  /** hex(hmacSha256(key, message)): a signature's last step, on the signer's hot path (Node makes the hex without a Buffer between). */
  hmacSha256Hex(key: Bytes, message: string): string;
  hmacSha1(key: Bytes, message: string): Bytes;
  sha256Hex(message: string): string;
  sha1Hex(message: string): string;
  md5Base64?(message: string): string;
  hex(bytes: Bytes): string;
  base64(bytes: Bytes): string;
  /** Base64 of the UTF-8 text (policies are base64 of their JSON). */
  base64Utf8(text: string): string;
}
