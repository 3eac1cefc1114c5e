// What the signer prints at start: where to reach it (here and from a phone), what it
// signs for, where objects are kept — and never a secret.
import { bannerLines, lanIPv4 } from '../../cloud-signer/src/banner';
import { loadConfig } from '../../cloud-signer/src/config';
import type { NetworkInterfaceInfo } from 'node:os';

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, family: 'IPv4', internal, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: `${address}/24` }) as NetworkInterfaceInfo;
const INTERFACES = { lo: [iface('127.0.0.1', true)], docker0: [iface('172.17.0.1')], wlan0: [iface('192.168.1.23')] };

test('a LAN address is preferred over loopback and container bridges when several exist', () => {
  expect(lanIPv4(INTERFACES)).toBe('192.168.1.23');
  expect(lanIPv4({ lo: [iface('127.0.0.1', true)] })).toBeUndefined();
});

test('on loopback it says how a phone in debug mode reaches it, with the LAN address', () => {
  const config = loadConfig({ UPLOAD_DATA_DIR: '/srv/data' });
  const text = bannerLines({ config, port: 3000, interfaces: INTERFACES }).join('\n');
  expect(text).toContain('http://127.0.0.1:3000');
  expect(text).toContain('HOST=0.0.0.0');
  expect(text).toContain('http://192.168.1.23:3000');
  expect(text).toContain('dev-bucket');
  expect(text).toContain('/srv/data');
});

test('listening on every interface it names the phone URL directly', () => {
  const config = loadConfig({ HOST: '0.0.0.0', UPLOAD_AUTH_TOKENS: 'a-long-enough-token-123' });
  const text = bannerLines({ config, port: 8080, interfaces: INTERFACES }).join('\n');
  expect(text).toContain('Phone on the same network (debug mode): http://192.168.1.23:8080');
});

test('never prints a secret key, security token or bearer token', () => {
  const config = loadConfig({
    UPLOAD_PROVIDER: 'oss',
    UPLOAD_BUCKET: 'examplebucket',
    UPLOAD_REGION: 'cn-hangzhou',
    UPLOAD_ACCESS_KEY_ID: 'key-id-example',
    UPLOAD_ACCESS_KEY_SECRET: 'super-secret-value-123',
    UPLOAD_SECURITY_TOKEN: 'sts-token-value-456',
    UPLOAD_AUTH_TOKENS: 'bearer-token-value-789',
  });
  const text = bannerLines({ config, port: 3000, interfaces: INTERFACES }).join('\n');
  expect(text).toContain('examplebucket');
  for (const secret of ['super-secret-value-123', 'sts-token-value-456', 'bearer-token-value-789']) expect(text).not.toContain(secret);
});

test('with temporary credentials it says whether client-side signing is offered, naming the quota that stops it', () => {
  const cloud = { UPLOAD_PROVIDER: 'oss', UPLOAD_BUCKET: 'examplebucket', UPLOAD_REGION: 'cn-hangzhou', UPLOAD_ACCESS_KEY_ID: 'id', UPLOAD_ACCESS_KEY_SECRET: 'secret-value' };
  const lines = (env: Record<string, string>, temporaryCredentials: boolean) =>
    bannerLines({ config: loadConfig({ ...cloud, ...env }), port: 3000, interfaces: INTERFACES, temporaryCredentials }).filter((l) => l.includes('Client-side signing'));
  expect(lines({}, true)).toEqual([
    '  Client-side signing (GET /api/credentials) is refused while UPLOAD_QUOTA_FILES_PER_DAY and UPLOAD_QUOTA_BYTES_PER_DAY are on: set them to 0 to offer it',
  ]);
  expect(lines({ UPLOAD_QUOTA_FILES_PER_DAY: '0' }, true)).toEqual([
    '  Client-side signing (GET /api/credentials) is refused while UPLOAD_QUOTA_BYTES_PER_DAY is on: set it to 0 to offer it',
  ]);
  expect(lines({ UPLOAD_QUOTA_FILES_PER_DAY: '0', UPLOAD_QUOTA_BYTES_PER_DAY: '0' }, true)).toEqual([
    '  Client-side signing: GET /api/credentials grants temporary credentials (no daily quota holds them)',
  ]);
  expect(lines({}, false)).toEqual([]);
});
