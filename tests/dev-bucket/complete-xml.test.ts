// The CompleteMultipartUpload body the dev bucket reads: S3's XML, the parts in order,
// and MalformedXML for anything else, whatever its shape. A <Part> followed by a long
// run of spaces and no </Part> used to backtrack a regex for minutes, freezing the whole
// signer (2 MiB bodies are allowed); with the linear scan it is refused like any other.
import { parseCompleteBody } from '../../cloud-signer/src/devbucket/multipart/multipart-xml';

const etag = (n: number) => n.toString(16).padStart(32, '0');
const part = (n: number) => `<Part>\n  <PartNumber>${n}</PartNumber>\n  <ETag>"${etag(n)}"</ETag>\n</Part>`;

it('reads the parts in their order, with the XML declaration, namespace, whitespace and checksums S3 allows', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n${part(1)}\n${part(2).replace('</Part>', '<ChecksumCRC32>AAAA</ChecksumCRC32></Part>')}\n</CompleteMultipartUpload>\n`;
  expect(parseCompleteBody(xml)).toEqual([
    { partNumber: 1, etag: etag(1) },
    { partNumber: 2, etag: etag(2) },
  ]);
});

it.each([
  ['a <Part> never closed, followed by a long run of spaces', `<CompleteMultipartUpload><Part>${' '.repeat(200_000)}</CompleteMultipartUpload>`],
  ['many fields before a long run of spaces in one part', `<CompleteMultipartUpload><Part>${'<ChecksumCRC32>A</ChecksumCRC32>'.repeat(16_000)}${' '.repeat(1_000_000)}</Part></CompleteMultipartUpload>`],
  ['a <Part> never closed, after a good one', `<CompleteMultipartUpload>${part(1)}<Part><PartNumber>2</PartNumber>${'\n'.repeat(50_000)}</CompleteMultipartUpload>`],
  ['text between parts', `<CompleteMultipartUpload>${part(1)}junk${part(2)}</CompleteMultipartUpload>`],
  ['a part without its ETag', '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'],
  ['an unknown field in a part', `<CompleteMultipartUpload>${part(1).replace('</Part>', '<Size>5</Size></Part>')}</CompleteMultipartUpload>`],
  ['another document', '<Other></Other>'],
])('refuses %s as MalformedXML', (_, xml) => {
  expect(() => parseCompleteBody(xml)).toThrow(expect.objectContaining({ code: 'MalformedXML' }));
});
