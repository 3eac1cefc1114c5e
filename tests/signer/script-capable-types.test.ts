// Issue 9, item 3: types a browser runs as script or renders as a document (and so
// can run script in the bucket's origin: stored XSS) are never admitted by a
// wildcard, only when an operator lists them by name. The list follows what
// browsers do: WHATWG MIME Sniffing's "JavaScript MIME type" and "XML MIME type"
// (any +xml), HTML, Chromium's XML document types (text/xsl included), server push
// documents (multipart/x-mixed-replace), MHTML archives, and the "unknown" types a
// browser sniffs into HTML when a bucket serves them without nosniff.
import { typeAllowed } from '../../cloud-signer/src/mime';
import { askTickets, signingOnly } from '../support/api-helpers';
import { startSigner, type RunningSigner } from '../support/signer';

// Written out here on purpose, not imported from ACTIVE_CONTENT_TYPES in
// miniprogram/shared/contract/type-patterns.ts: an independent list, so a type deleted
// from the product's list (or a pattern loosened) makes this test fail instead of
// silently shrinking what it checks. Add to both when browsers learn a new one.
const SCRIPT_CAPABLE = [
  // documents
  'text/html',
  'application/xhtml+xml',
  'application/vnd.wap.xhtml+xml',
  'text/xml',
  'application/xml',
  'text/xsl',
  'application/xslt+xml',
  'text/xml-external-parsed-entity',
  'application/xml-external-parsed-entity',
  'application/xml-dtd',
  'image/svg+xml',
  'application/rss+xml',
  'application/atom+xml',
  'application/mathml+xml',
  'application/vnd.mozilla.xul+xml',
  'application/rdf+xml',
  'text/vnd.example+xml',
  'multipart/x-mixed-replace',
  'multipart/related',
  'message/rfc822',
  'application/x-mimearchive',
  'unknown/unknown',
  'application/unknown',
  // script
  'text/javascript',
  'application/javascript',
  'application/ecmascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
];

/** Types that only ever display as themselves or download: wildcards keep admitting them. */
const INERT = ['image/png', 'image/jpeg', 'image/heic', 'text/plain', 'text/csv', 'application/pdf', 'application/json', 'application/zip', 'video/mp4', 'audio/mpeg'];

const familyWildcard = (type: string) => `${type.split('/')[0]}/*`;

describe.each(SCRIPT_CAPABLE)('%s', (type) => {
  test('no wildcard admits it, in any spelling', () => {
    for (const spelling of [type, type.toUpperCase(), `${type}; charset=utf-8`, ` ${type} `]) {
      expect(typeAllowed(spelling, ['*/*'])).toBe(false);
      expect(typeAllowed(spelling, ['*'])).toBe(false);
      expect(typeAllowed(spelling, [familyWildcard(type)])).toBe(false);
    }
  });
  test('listing it by name admits it', () => {
    expect(typeAllowed(type, ['image/*', type])).toBe(true);
    expect(typeAllowed(`${type.toUpperCase()}; charset=utf-8`, [type])).toBe(true);
  });
});

test.each(INERT)('%s is still admitted by its wildcards', (type) => {
  expect(typeAllowed(type, ['*/*'])).toBe(true);
  expect(typeAllowed(type, [familyWildcard(type)])).toBe(true);
});

describe('the signer refuses tickets for them under wildcards', () => {
  let api: RunningSigner;
  beforeAll(async () => {
    api = await startSigner({ UPLOAD_ALLOWED_TYPES: 'text/*,application/*,image/*,multipart/*,message/*,unknown/*' }, signingOnly());
  });
  afterAll(() => api.close());

  test.each(SCRIPT_CAPABLE)('%s', async (type) => {
    const reply = await askTickets(api.origin, { files: [{ name: 'page.bin', size: 100, type }] });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe('TypeNotAllowed');
  });

  test('while an inert type under the same wildcards gets its ticket', async () => {
    const reply = await askTickets(api.origin, { files: [{ name: 'notes.txt', size: 100, type: 'text/plain' }] });
    expect(reply.status).toBe(200);
  });
});
