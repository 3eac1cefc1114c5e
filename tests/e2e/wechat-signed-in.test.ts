// Signed-in uploads end to end on WeChat: the real upload page (miniprogram-simulate),
// the real engine and WeChat adapter, a Node-backed `wx` (wx.login hands out dev-login
// codes, uploadFile is a real multipart POST) and the real signer with its dev bucket.
// Launch signs in; 9 photos land under the user's folder; a second user cannot get
// links to them; a session that runs out mid-batch renews itself and every file ends done.
import { createNodeWx, type NodeWx } from '../support/node-wx';
import { addFromAlbum, allSettled, openWechatUploadPage } from '../support/wechat-upload-page';
import { startSigner, type RunningSigner } from '../support/signer';
import { photoPaths, waitUntil } from '../support/fixtures';
import { postJson } from '../support/api-helpers';

jest.setTimeout(60_000);

const requestsTo = (wx: NodeWx, route: string) => wx.node.network.log.filter((r) => r.api === 'request' && r.url.endsWith(route));

async function folderOf(signer: RunningSigner, code: string): Promise<{ id: string; token: string }> {
  const reply = await postJson(signer.origin, '/api/sessions', { platform: 'wechat', code });
  return { id: reply.json.user.id, token: reply.json.token };
}

test('launch signs in; 9 photos land under the user folder; another user gets 403 for their links', async () => {
  const signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
  const photos = photoPaths();
  const app = await openWechatUploadPage(createNodeWx({ media: [photos.map((p) => ({ path: p }))], loginCode: () => 'dev:alice' }), signer.origin);
  try {
    const { wx, services } = app;
    await waitUntil(() => requestsTo(wx, '/api/sessions').some((r) => r.outcome === 200), 'the launch sign-in');
    addFromAlbum(app);
    await waitUntil(() => services.engine.items().length === photos.length && allSettled(services), 'every photo settles');

    const items = services.engine.items();
    expect(items.map((item) => item.status)).toEqual(photos.map(() => 'done'));
    const alice = await folderOf(signer, 'dev:alice');
    for (const item of items) expect(item.key).toMatch(new RegExp(`^uploads/${alice.id}/\\d{4}/\\d{2}/\\d{2}/[0-9a-f]{16}\\.(jpg|png)$`));
    // One login at launch, and every ticket request carried its session.
    expect(wx.node.logins).toEqual(['dev:alice']);
    expect(requestsTo(wx, '/api/tickets').map((r) => r.outcome)).toEqual([200]);

    // Alice's links come from her session; Bob asking for the same keys is refused.
    const keys = items.map((item) => item.key!);
    expect((await services.engine.objectLinks(keys)).size).toBe(keys.length);
    const bob = await folderOf(signer, 'dev:bob');
    const stolen = await postJson(signer.origin, '/api/object-urls', { keys }, { authorization: `Bearer ${bob.token}` });
    expect(stolen.status).toBe(403);
    expect(stolen.json.error.code).toBe('Forbidden');
    expect(stolen.json.urls).toBeUndefined();
  } finally {
    app.close();
    await signer.close();
  }
});

test('a session that runs out mid-batch is renewed by a new wx.login, and every file still ends done', async () => {
  let clockMs = Date.now();
  // Sessions of 10 minutes; the signer's clock (and its bucket's) jumps 3 hours mid-batch,
  // past the session and the batch's tickets, while the phone keeps real time.
  const signer = await startSigner({ UPLOAD_SESSION_TTL_SECONDS: '600' }, { now: () => new Date(clockMs) });
  const photos = photoPaths();
  let started = 0;
  const wx = createNodeWx({
    media: [photos.map((p) => ({ path: p }))],
    loginCode: () => 'dev:carol',
    beforeUpload: async () => {
      started += 1;
      if (started === 4) clockMs += 3 * 3600 * 1000;
    },
  });
  const app = await openWechatUploadPage(wx, signer.origin);
  try {
    const { services } = app;
    addFromAlbum(app);
    await waitUntil(() => services.engine.items().length === photos.length && allSettled(services), 'every photo settles');
    expect(services.engine.items().map((item) => item.status)).toEqual(photos.map(() => 'done'));
    // The expired session was refused once, a second login replaced it, and the files went on.
    const tickets = requestsTo(wx, '/api/tickets').map((r) => r.outcome);
    expect(tickets).toContain(401);
    expect(tickets.filter((outcome) => outcome === 200).length).toBeGreaterThanOrEqual(2);
    expect(wx.node.logins).toEqual(['dev:carol', 'dev:carol']);
    const carol = await folderOf(signer, 'dev:carol');
    for (const item of services.engine.items()) expect(item.key!.startsWith(`uploads/${carol.id}/`)).toBe(true);
  } finally {
    app.close();
    await signer.close();
  }
});
