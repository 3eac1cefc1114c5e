// Why Alipay has no uploads in parts, held as facts that can fail. A part is a byte range
// of the file read on its own; Alipay's FileSystemManager (docs and typings) offers no such
// read, so the Alipay transport has no putPart and the engine keeps the single POST up to
// the signer's UPLOAD_MAX_BYTES. The day @mini-types/alipay declares a ranged read, the
// first test fails and says so: putPart can then be written against it.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createAlipayTransport } from '../../alipay/platform/alipay-transport';
import { createAlipayPlatform } from '../../alipay/platform/alipay';
import { createNodeMy } from '../support/node-my';
import { photoPaths } from '../support/fixtures';

const TYPES = path.dirname(require.resolve('@mini-types/my/package.json'));

/** The members `my.FileSystemManager` has in the installed typings, and the options readFile/readFileSync take. */
function fileSystemManagerTypings(): { version: string; methods: string[]; readFileOptions: string[] } {
  const entry = path.join(TYPES, 'types/index.d.ts');
  const program = ts.createProgram([entry], { noEmit: true, types: [], lib: ['lib.es2022.d.ts'] });
  const checker = program.getTypeChecker();
  let manager: ts.InterfaceDeclaration | undefined;
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'FileSystemManager') manager ??= node;
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) if (file.fileName.startsWith(TYPES)) visit(file);
  if (!manager) throw new Error('no FileSystemManager interface in @mini-types/my');
  const type = checker.getTypeAtLocation(manager.name);
  const methods = checker.getPropertiesOfType(type).map((p) => p.name).sort();
  const options = new Set<string>();
  for (const name of ['readFile', 'readFileSync']) {
    const method = checker.getPropertyOfType(type, name);
    if (!method) throw new Error(`FileSystemManager has no ${name}`);
    for (const signature of checker.getTypeOfSymbolAtLocation(method, manager).getCallSignatures()) {
      const [param] = signature.getParameters();
      const paramType = param && checker.getTypeOfSymbolAtLocation(param, manager);
      // Only the options object: a `filePath: string` overload's "properties" are String's own.
      if (paramType && paramType.flags & ts.TypeFlags.Object) for (const p of paramType.getProperties()) options.add(p.name);
    }
  }
  const version = JSON.parse(fs.readFileSync(path.join(TYPES, 'package.json'), 'utf8')).version as string;
  return { version, methods, readFileOptions: [...options].sort() };
}

it('the Alipay typings declare no ranged read: readFile(Sync) takes no position/length, and there is no open/read by descriptor', () => {
  const typings = fileSystemManagerTypings();
  // Sanity: the walk found the real interface (these are documented and used by the adapter).
  expect(typings.methods).toEqual(expect.arrayContaining(['readFile', 'getFileInfo', 'writeFile', 'unlink']));
  expect(typings.readFileOptions).toEqual(expect.arrayContaining(['filePath', 'encoding']));
  // If one of these fails, the typings (version in the message) gained a ranged read: write putPart on it.
  expect({ version: typings.version, ranged: typings.methods.filter((m) => ['open', 'openSync', 'read', 'readSync'].includes(m)) }).toEqual({
    version: typings.version,
    ranged: [],
  });
  expect({ version: typings.version, ranged: typings.readFileOptions.filter((o) => ['position', 'length'].includes(o)) }).toEqual({
    version: typings.version,
    ranged: [],
  });
});

it('so the Alipay transport and platform offer no putPart: the engine keeps one POST per file', () => {
  expect(createAlipayTransport().putPart).toBeUndefined();
  expect(createAlipayPlatform().putPart).toBeUndefined();
});

describe('the Node-backed my reads files as Alipay documents readFile', () => {
  const [photo] = photoPaths();
  const size = fs.statSync(photo).size;
  let nodeMy: ReturnType<typeof createNodeMy>;
  beforeEach(() => {
    nodeMy = createNodeMy();
  });
  afterEach(() => nodeMy.dispose());

  const readFile = (options: Record<string, unknown>) =>
    new Promise<{ ok: boolean; res: any }>((resolve) =>
      nodeMy.my.getFileSystemManager().readFile({ ...options, success: (res: any) => resolve({ ok: true, res }), fail: (res: any) => resolve({ ok: false, res }) }),
    );

  it('ignores a WeChat-style position/length: the whole file comes back, so a part cannot be read this way', async () => {
    const { ok, res } = await readFile({ filePath: photo, position: 100, length: 10 });
    expect(ok).toBe(true);
    expect((res.data as ArrayBuffer).byteLength).toBe(size);
    expect(res.dataType).toBe('ArrayBuffer');
    expect(nodeMy.reads).toEqual([{ filePath: photo, bytes: size }]);
  });

  it('has no open or read by file descriptor', () => {
    const manager = nodeMy.my.getFileSystemManager();
    expect([manager.open, manager.openSync, manager.read, manager.readSync]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('gives text for an encoding, and the documented errors for a missing file (10022) or an unknown encoding (2)', async () => {
    const text = await readFile({ filePath: photo, encoding: 'base64' });
    expect(text.res).toEqual({ data: fs.readFileSync(photo).toString('base64'), dataType: 'string' });
    expect(await readFile({ filePath: `${photo}.gone` })).toEqual({ ok: false, res: { error: 10022, errorMessage: '文件/目录不存在' } });
    expect(await readFile({ filePath: photo, encoding: 'utf32' })).toEqual({ ok: false, res: { error: 2, errorMessage: '接口参数无效' } });
  });
});
