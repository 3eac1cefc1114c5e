// POST Object against a real dev bucket: an official SDK form is accepted, our own
// tickets are accepted, and every tampered variant is refused with S3's status and
// code, leaving no object and no temp file behind.
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../../cloud-signer/src/node-crypto';
import { signPolicy } from '../../cloud-signer/src/devbucket/sigv4-verify';
import {
  BUCKET,
  CREDENTIALS,
  PHOTOS,
  REGION,
  errorCode,
  filesUnder,
  formFor,
  multipart,
  post,
  request,
  startBucket,
  ticketFor,
  type RunningBucket,
} from '../support/bucket-harness';

const NOW = new Date('2026-11-22T10:00:00.000Z');
let running: RunningBucket;
let photo: Buffer;

beforeAll(async () => {
  running = await startBucket({ now: NOW });
  photo = await fs.readFile(path.join(PHOTOS, 'photo-1.png'));
});
afterAll(async () => {
  await running.close();
  await fs.rm(running.root, { recursive: true, force: true });
});
beforeEach(() => running.setNow(NOW));

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

async function expectNothingStored(): Promise<void> {
  expect(await running.bucket.list()).toEqual([]);
  expect(await filesUnder(running.dataDir)).toEqual([]);
  // Nothing next to the data folder either: only it lives in the test's root.
  expect(await fs.readdir(running.root)).toEqual(['data']);
}

describe('accepted uploads', () => {
  afterEach(async () => {
    // Each accepted test starts and ends from an empty bucket.
    await fs.rm(running.dataDir, { recursive: true, force: true });
    await fs.mkdir(path.join(running.dataDir, 'tmp'), { recursive: true });
    await fs.mkdir(path.join(running.dataDir, 'objects'), { recursive: true });
    await fs.mkdir(path.join(running.dataDir, 'meta'), { recursive: true });
  });

  it('accepts a form made by the official createPresignedPost', async () => {
    const client = new S3Client({
      region: REGION,
      credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.accessKeySecret },
    });
    const key = 'sdk/2026/11/22/photo.png';
    // The SDK reads the clock from Date; fake only Date, only for this call.
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'hrtime', 'performance'] });
    const presigned = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: key,
      Conditions: [['content-length-range', 1, 1024 * 1024], ['starts-with', '$Content-Type', 'image/']],
      Fields: { 'Content-Type': 'image/png' },
      Expires: 300,
    }).finally(() => jest.useRealTimers());

    const answer = await post(running, multipart([
      ...Object.entries(presigned.fields).map(([name, value]) => ({ name, value })),
      { name: 'file', filename: 'photo.png', contentType: 'image/png', data: photo },
    ]));
    expect(answer.status).toBe(204); // S3's default without success_action_status
    expect(answer.headers.etag).toBe(`"${md5(photo)}"`);

    const back = await request(`${running.endpoint}/${key}`);
    expect(back.status).toBe(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.body.equals(photo)).toBe(true);
  });

  it('accepts our own ticket and answers 201 with an S3 PostResponse', async () => {
    const ticket = ticketFor(running);
    const answer = await post(running, formFor(ticket, photo));
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/xml');
    expect(answer.text).toContain(`<Key>${ticket.key}</Key>`);
    expect(answer.text).toContain(`<Bucket>${BUCKET}</Bucket>`);
    expect(answer.text).toContain(`<ETag>&quot;${md5(photo)}&quot;</ETag>`);
    expect(answer.text).toContain(`<Location>${ticket.objectUrl}</Location>`);
    const [stored] = await running.bucket.list();
    expect(stored).toEqual({ key: ticket.key, size: photo.length, contentType: 'image/png', etag: `"${md5(photo)}"`, lastModified: NOW });
    expect(await filesUnder(path.join(running.dataDir, 'tmp'))).toEqual([]);
  });

  it.each([
    ['200', 200],
    ['204', 204],
    ['302', 204], // anything else means S3's default
  ])('honours success_action_status=%s with %d and an empty body', async (value, status) => {
    const answer = await postWithStatus(value);
    expect(answer.status).toBe(status);
    expect(answer.body.length).toBe(0);
  });

  it('refuses a success_action_status changed after signing', async () => {
    const ticket = ticketFor(running);
    const answer = await post(running, formFor(ticket, photo, { ...ticket.fields, success_action_status: '200' }));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('success_action_status');
  });
});

/** A form signed by hand (as any SDK user could) whose policy allows a given success_action_status. */
async function postWithStatus(status: string) {
  const client = new S3Client({ region: REGION, credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.accessKeySecret } });
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'hrtime', 'performance'] });
  const presigned = await createPresignedPost(client, {
    Bucket: BUCKET,
    Key: `status/${status}.png`,
    Fields: { 'Content-Type': 'image/png', success_action_status: status },
    Expires: 300,
  }).finally(() => jest.useRealTimers());
  return post(running, multipart([
    ...Object.entries(presigned.fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: 'p.png', contentType: 'image/png', data: photo },
  ]));
}

describe("a starts-with Content-Type condition, as the SDK's createPresignedPost writes it", () => {
  /** A form allowing any image/ type (the SDK's own policy), sent with `contentType`. */
  async function imageForm(contentType: string) {
    const client = new S3Client({ region: REGION, credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: CREDENTIALS.accessKeySecret } });
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'hrtime', 'performance'] });
    const presigned = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'sdk/2026/11/22/typed.png',
      Conditions: [['starts-with', '$Content-Type', 'image/']],
      Expires: 300,
    }).finally(() => jest.useRealTimers());
    return multipart([
      ...Object.entries(presigned.fields).map(([name, value]) => ({ name, value })),
      { name: 'Content-Type', value: contentType },
      { name: 'file', filename: 'photo.png', contentType: 'image/png', data: photo },
    ]);
  }

  it('passes a plain image type', async () => {
    expect((await post(running, await imageForm('image/png'))).status).toBe(204);
    await fs.rm(running.dataDir, { recursive: true, force: true });
    for (const dir of ['tmp', 'objects', 'meta']) await fs.mkdir(path.join(running.dataDir, dir), { recursive: true });
  });

  it('reads a type with commas as a list whose every element must pass (S3, Condition Matching)', async () => {
    const answer = await post(running, await imageForm('image/png,text/html'));
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('AccessDenied');
    await expectNothingStored();
  });

  it('refuses a type no header can carry, before storing an object no read could answer', async () => {
    const answer = await post(running, await imageForm('image/png\u2603'));
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('InvalidArgument');
    await expectNothingStored();
  });
});

describe('refused uploads leave nothing behind', () => {
  const flip = (text: string) => text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
  const without = (fields: Record<string, string>, name: string) => Object.fromEntries(Object.entries(fields).filter(([n]) => n !== name));

  type Case = [name: string, status: number, code: string, form: () => ReturnType<typeof formFor>, message?: RegExp];
  const cases: Case[] = [
    ['a tampered signature', 403, 'SignatureDoesNotMatch', () => {
      const t = ticketFor(running);
      return formFor(t, photo, { ...t.fields, 'X-Amz-Signature': flip(t.fields['X-Amz-Signature']) });
    }],
    ['a tampered policy', 403, 'SignatureDoesNotMatch', () => {
      const t = ticketFor(running, { maxBytes: 10 });
      const bigger = Buffer.from(Buffer.from(t.fields.Policy, 'base64').toString().replace('10]', '99999999]')).toString('base64');
      return formFor(t, photo, { ...t.fields, Policy: bigger });
    }],
    ['an expired policy', 403, 'AccessDenied', () => formFor(ticketFor(running, { now: new Date('2026-11-22T09:50:00.000Z') }), photo), /Policy expired/],
    ['a key that is not the signed one', 403, 'AccessDenied', () => {
      const t = ticketFor(running);
      return formFor(t, photo, { ...t.fields, key: 'uploads/other.png' });
    }, /Policy Condition failed: \[&quot;eq&quot;,&quot;\$key&quot;/],
    ['a file over the size range', 400, 'EntityTooLarge', () => formFor(ticketFor(running, { maxBytes: photo.length - 1 }), photo)],
    ['an empty file, under the range', 400, 'EntityTooSmall', () => formFor(ticketFor(running), Buffer.alloc(0))],
    ['a Content-Type outside the condition', 403, 'AccessDenied', () => {
      const t = ticketFor(running);
      return formFor(t, photo, { ...t.fields, 'Content-Type': 'text/html' });
    }, /Content-Type/],
    ['an unknown access key', 403, 'InvalidAccessKeyId', () =>
      formFor(ticketFor(running, { credentials: { accessKeyId: 'SOMEONEELSE00001', accessKeySecret: CREDENTIALS.accessKeySecret } }), photo)],
    ['the right key id with another secret', 403, 'SignatureDoesNotMatch', () =>
      formFor(ticketFor(running, { credentials: { ...CREDENTIALS, accessKeySecret: 'guessed' } }), photo)],
    ['a credential for another region', 400, 'AuthorizationHeaderMalformed', () => formFor(ticketFor(running, { region: 'eu-west-1' }), photo)],
    ['a form for another bucket', 403, 'AccessDenied', () => formFor(ticketFor(running, { bucket: 'someone-elses' }), photo)],
    ...(['key', 'Policy', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Credential', 'X-Amz-Algorithm'].map((field): Case => [
      `a form missing ${field}`, 400, 'InvalidArgument', () => {
        const t = ticketFor(running);
        return formFor(t, photo, without(t.fields, field));
      },
    ])),
    ['a form field no condition covers', 403, 'AccessDenied', () => {
      const t = ticketFor(running);
      return formFor(t, photo, { ...t.fields, 'x-amz-meta-owner': 'mallory' });
    }, /Extra input fields: x-amz-meta-owner/],
    ['a field after the file part', 400, 'InvalidArgument', () => {
      const t = ticketFor(running);
      return multipart([
        ...Object.entries(t.fields).map(([name, value]) => ({ name, value })),
        { name: 'file', filename: 'p.png', contentType: 'image/png', data: photo },
        { name: 'x-amz-meta-late', value: 'sneaky' },
      ]);
    }, /last field/],
    ['two files', 400, 'InvalidArgument', () => {
      const t = ticketFor(running);
      return multipart([
        ...Object.entries(t.fields).map(([name, value]) => ({ name, value })),
        { name: 'file', filename: 'p.png', contentType: 'image/png', data: photo },
        { name: 'file', filename: 'q.png', contentType: 'image/png', data: photo },
      ]);
    }],
    ['no file at all', 400, 'InvalidArgument', () => multipart(Object.entries(ticketFor(running).fields).map(([name, value]) => ({ name, value })))],
    ['a body cut off mid-file', 400, 'MalformedPOSTRequest', () => {
      const form = formFor(ticketFor(running), photo);
      return { ...form, body: form.body.subarray(0, form.body.length - 200) };
    }],
    ['a body that is not multipart at all', 400, 'MalformedPOSTRequest', () => ({ body: Buffer.from('{"key":"x"}'), contentType: 'application/json' })],
    ['a multipart type without a boundary', 400, 'MalformedPOSTRequest', () => ({ body: Buffer.from('hello'), contentType: 'multipart/form-data' })],
    ['a policy that is not JSON', 400, 'InvalidPolicyDocument', () => {
      const t = ticketFor(running);
      const policy = Buffer.from('not json').toString('base64');
      const signature = signPolicy(nodeCrypto, CREDENTIALS.accessKeySecret, { day: '20261122', region: REGION, service: 's3' }, policy);
      return formFor(t, photo, { ...t.fields, Policy: policy, 'X-Amz-Signature': signature });
    }],
  ];

  // Objects, not rows: jest would pass `done` in place of a missing optional column.
  const table = cases.map(([name, status, code, form, message]) => ({ name, status, code, form, message }));
  it.each(table)('refuses $name with $status $code', async ({ status, code, form, message }) => {
    const answer = await post(running, form());
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/xml');
    expect(errorCode(answer)).toBe(code);
    expect(answer.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>/);
    if (message) expect(answer.text).toMatch(message);
    await expectNothingStored();
  });

  it.each([
    ['../../etc/passwd'],
    ['uploads/../../outside.png'],
    ['/etc/passwd'],
    ['uploads\\..\\..\\outside.png'],
    ['uploads//double.png'],
    ['uploads/./dot.png'],
    ['uploads/nul\0.png'],
    ['C:/windows.png'],
  ])('refuses the correctly signed but unsafe key %j', async (key) => {
    const answer = await post(running, formFor(signedForAnyKey(key), photo));
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('InvalidArgument');
    expect(answer.text).toContain('The object key is not allowed');
    await expectNothingStored();
  });

  /** A ticket for `key` whose policy is signed by hand: the s3 dialect itself refuses to sign an absolute key. */
  function signedForAnyKey(key: string) {
    const t = ticketFor(running, { key: 'uploads/placeholder.png' });
    const policyText = Buffer.from(t.fields.Policy, 'base64').toString('utf8').split('"uploads/placeholder.png"').join(JSON.stringify(key));
    const policy = Buffer.from(policyText).toString('base64');
    const signature = signPolicy(nodeCrypto, CREDENTIALS.accessKeySecret, { day: '20261122', region: REGION, service: 's3' }, policy);
    return { ...t, key, fields: { ...t.fields, key, Policy: policy, 'X-Amz-Signature': signature } };
  }

  it('refuses a ${filename} key that a hostile file name would turn into a traversal', async () => {
    const t = ticketFor(running, { key: 'uploads/${filename}' });
    const form = multipart([
      ...Object.entries(t.fields).map(([name, value]) => ({ name, value })),
      { name: 'file', filename: '../../../escape.png', contentType: 'image/png', data: photo },
    ]);
    const answer = await post(running, form);
    // busboy hands over only the base name of a path-like filename, so this stays inside
    // the bucket; either way nothing may land outside dataDir.
    expect([201, 400]).toContain(answer.status);
    expect(await fs.readdir(running.root)).toEqual(['data']);
    await fs.rm(running.dataDir, { recursive: true, force: true });
    await fs.mkdir(path.join(running.dataDir, 'tmp'), { recursive: true });
    await fs.mkdir(path.join(running.dataDir, 'objects'), { recursive: true });
    await fs.mkdir(path.join(running.dataDir, 'meta'), { recursive: true });
  });
});
