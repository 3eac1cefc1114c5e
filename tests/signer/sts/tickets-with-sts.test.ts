// The signer's own tickets signed with temporary credentials from AWS STS (SDK against a
// local stand-in), wired exactly as main.ts does: a burst of ticket requests costs one
// STS call, credentials are refreshed a ticket's lifetime before they expire, a failed
// refresh keeps the still-valid ones, and nothing is signed once they have expired.
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../cloud-signer/src/config';
import { createSignerServer } from '../../../cloud-signer/src/server';
import { temporaryCredentialsFromEnv } from '../../../cloud-signer/src/sts';
import { FAILED_FETCH_PAUSE_MS } from '../../../cloud-signer/src/sts/caching';
import type { TicketResponse } from '../../../typings/ticket';
import { deniedReply, okReply, startStandIn, type StandIn } from '../../support/sts-stand-in';
import { openSignerEnv } from '../../support/open-signer-env';

const T0 = new Date('2026-11-22T10:00:00Z').getTime();
const DURATION_MS = 900_000;
const TICKET_TTL_MS = 600_000;
const LONG_TERM_SECRET = 'LongTermSecret-must-never-leak-0123456789';

let standIn: StandIn;
let refuse = false;
let clock = T0;
let origin = '';
let close: () => Promise<void>;

beforeAll(async () => {
  standIn = await startStandIn('aws', (_call, n) =>
    refuse
      ? deniedReply('aws', 'denied')
      : okReply('aws', {
          accessKeyId: `ASIAKEY${n}`,
          accessKeySecret: `TempSecret${n}`,
          securityToken: `Token${n}`,
          expiration: new Date(clock + DURATION_MS),
        }),
  );
  const env = {
    UPLOAD_PROVIDER: 's3',
    UPLOAD_BUCKET: 'examplebucket',
    UPLOAD_REGION: 'us-east-1',
    UPLOAD_ACCESS_KEY_ID: 'AKIALONGTERM',
    UPLOAD_ACCESS_KEY_SECRET: LONG_TERM_SECRET,
    UPLOAD_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/uploader',
    UPLOAD_STS_ENDPOINT: standIn.endpoint,
    UPLOAD_TICKET_TTL_SECONDS: String(TICKET_TTL_MS / 1000),
  };
  const config = loadConfig(openSignerEnv(env));
  const server = createSignerServer({
    config,
    ...temporaryCredentialsFromEnv(env, config),
    now: () => new Date(clock),
    log: () => undefined,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close();
  await standIn.close();
});

async function ticketFields(): Promise<{ status: number; text: string; headers: Headers; fields?: Record<string, string> }> {
  const res = await fetch(`${origin}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'a.jpg', size: 1234, type: 'image/jpeg' }] }),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, fields: res.ok ? (JSON.parse(text) as TicketResponse).tickets[0].fields : undefined };
}

test('STS credentials: one call per burst, refreshed a ticket lifetime early, never used expired', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    // A burst of ten ticket requests before any credentials exist: one AssumeRole.
    const burst = await Promise.all(Array.from({ length: 10 }, ticketFields));
    expect(burst.map((b) => b.status)).toEqual(Array(10).fill(200));
    expect(burst.every((b) => b.fields!['X-Amz-Security-Token'] === 'Token1')).toBe(true);
    expect(burst[0].fields!['X-Amz-Credential']).toMatch(/^ASIAKEY1\//);
    expect(standIn.calls).toHaveLength(1);

    // Until the background lead point (half way to the ticket-lifetime margin), the cache
    // serves without asking STS; caching.test.ts covers the background refresh after it.
    clock = T0 + (DURATION_MS - TICKET_TTL_MS) / 2 - 1000;
    expect((await ticketFields()).fields!['X-Amz-Security-Token']).toBe('Token1');
    expect(standIn.calls).toHaveLength(1);

    // Inside that window a failed refresh keeps the still-valid credentials, and says so.
    clock = T0 + DURATION_MS - TICKET_TTL_MS + 1000;
    refuse = true;
    expect((await ticketFields()).fields!['X-Amz-Security-Token']).toBe('Token1');
    expect(standIn.calls).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/AWS STS AssumeRole failed \(AccessDenied\).*still serving .* valid until 2026-11-22T10:15:00.000Z/);

    // Once they have expired, no ticket is signed with them: 503, the app retries later.
    clock = T0 + DURATION_MS;
    const expired = await ticketFields();
    expect(expired.status).toBe(503);
    expect(JSON.parse(expired.text).error.code).toBe('CredentialsUnavailable');
    expect(expired.text).not.toContain('Token1');
    expect(expired.text).not.toContain(LONG_TERM_SECRET);

    expect(expired.headers.get('retry-after')).toBe(String(FAILED_FETCH_PAUSE_MS / 1000));

    // STS back, but within the pause after that failure: still 503, and STS is not asked.
    refuse = false;
    const callsAfterFailure = standIn.calls.length;
    clock = T0 + DURATION_MS + FAILED_FETCH_PAUSE_MS - 1;
    expect((await ticketFields()).status).toBe(503);
    expect(standIn.calls).toHaveLength(callsAfterFailure);

    // After it: fresh credentials, and tickets again.
    clock = T0 + DURATION_MS + FAILED_FETCH_PAUSE_MS;
    expect((await ticketFields()).fields!['X-Amz-Security-Token']).toBe(`Token${callsAfterFailure + 1}`);
  } finally {
    warn.mockRestore();
  }
});
