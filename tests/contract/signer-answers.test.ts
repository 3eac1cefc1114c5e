// The contract's runtime half is one module both sides import: the app checks every
// signer answer with its validators, so here the real signer's answers must pass them,
// and its limits must be the ones the app splits batches by.
import {
  HEALTH_PATH,
  MAX_FILES_PER_TICKET_REQUEST,
  MAX_KEYS_PER_LINKS_REQUEST,
  OBJECT_URLS_PATH,
  TICKETS_PATH,
  isHealthResponse,
  isObjectUrlsResponse,
  isTicketResponse,
} from '../../miniprogram/shared/contract/index';
import { postJson, request, photo } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

let signer: RunningSigner;
beforeAll(async () => {
  signer = await startSigner({ UPLOAD_PRIVATE_BUCKET: 'true' });
});
afterAll(() => signer.close());

it('answers /healthz in the shape the app accepts, with the per-request file limit', async () => {
  const reply = await request(signer.origin + HEALTH_PATH);
  expect(isHealthResponse(reply.json)).toBe(true);
  expect(reply.json.limits.maxFiles).toBe(MAX_FILES_PER_TICKET_REQUEST);
});

it('answers tickets and links in the shapes the app accepts', async () => {
  const files = [photo({ name: 'a.jpg' }), photo({ name: 'b.png', type: 'image/png' })];
  const tickets = await postJson(signer.origin, TICKETS_PATH, { files });
  expect(tickets.status).toBe(200);
  expect(isTicketResponse(tickets.json, files.length)).toBe(true);
  // The validators are strict: one ticket missing means the whole answer is refused.
  expect(isTicketResponse(tickets.json, files.length + 1)).toBe(false);

  const keys = tickets.json.tickets.map((t: { key: string }) => t.key);
  const links = await postJson(signer.origin, OBJECT_URLS_PATH, { keys });
  expect(links.status).toBe(200);
  expect(isObjectUrlsResponse(links.json, keys)).toBe(true);
});

it('refuses more files or keys per request than the contract allows', async () => {
  const tooManyFiles = Array.from({ length: MAX_FILES_PER_TICKET_REQUEST + 1 }, (_, i) => photo({ name: `${i}.jpg` }));
  expect((await postJson(signer.origin, TICKETS_PATH, { files: tooManyFiles })).status).toBe(400);
  const tooManyKeys = Array.from({ length: MAX_KEYS_PER_LINKS_REQUEST + 1 }, (_, i) => `uploads/2026/11/22/${String(i).padStart(16, '0')}.jpg`);
  expect((await postJson(signer.origin, OBJECT_URLS_PATH, { keys: tooManyKeys })).status).toBe(400);
});
