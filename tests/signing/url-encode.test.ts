import {
  canonicalQuery,
  encodeKeyPath,
  encodeRfc3986,
  objectUrlFor,
  parseEndpoint,
} from '../../miniprogram/shared/signing/primitives/url-encode';

describe('key encoding', () => {
  it("encodes !'()* as well in the strict (S3/COS/OBS) form", () => {
    expect(encodeRfc3986("a!'()*b")).toBe('a%21%27%28%29%2Ab');
    expect(encodeKeyPath("dir/a b(1)!.jpg")).toBe('dir/a%20b%281%29%21.jpg');
  });

  it('leaves !\'()* alone in the encodeURIComponent (OSS link) form, keeping slashes', () => {
    expect(encodeKeyPath("dir/a b(1)!.jpg", 'component')).toBe('dir/a%20b(1)!.jpg');
  });

  it('builds object URLs whether or not the base ends with a slash', () => {
    expect(objectUrlFor('https://cdn.example.com/', '照片.jpg')).toBe('https://cdn.example.com/%E7%85%A7%E7%89%87.jpg');
    expect(objectUrlFor('https://cdn.example.com', 'a.jpg')).toBe('https://cdn.example.com/a.jpg');
  });

  it('sorts canonical query parameters by their encoded names', () => {
    expect(canonicalQuery({ b: '1', 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': 's', a: 'x y' })).toBe(
      'X-Amz-Signature=s&X-Amz-SignedHeaders=host&a=x%20y&b=1',
    );
  });
});

describe('parseEndpoint', () => {
  it('splits protocol, host (default port dropped) and a path-style bucket', () => {
    expect(parseEndpoint('https://acc.r2.cloudflarestorage.com:443/photos/')).toEqual({
      protocol: 'https',
      host: 'acc.r2.cloudflarestorage.com',
      basePath: '/photos',
    });
    expect(parseEndpoint('http://127.0.0.1:9000')).toEqual({ protocol: 'http', host: '127.0.0.1:9000', basePath: '' });
  });

  it('says plainly what an endpoint should look like', () => {
    expect(() => parseEndpoint('oss-cn-hangzhou.aliyuncs.com')).toThrow(/is not an http\(s\) URL/);
  });
});
