#!/usr/bin/env node
// Static checks of the Alipay root that no compiler here runs for us:
// - every .axml is a well-formed template: tags balanced and properly nested,
//   attributes quoted, `{{ }}` balanced, only Alipay directives (a:if, a:for…; a
//   leftover wx:if or bindtap is an error);
// - every handler a template names (onTap="x", catchTap="x", onCancel="x" on a
//   custom component) exists: in Page({...}) for a page, in methods for a component;
// - app.json lists pages that exist, uses Alipay window keys, and every
//   usingComponents path exists; mini.project.json is format 2 with TS and component2.
// Usage: node scripts/check/alipay.mjs [alipayRoot]   (exit 1 with file:line on a problem)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VOID_TAGS = new Set(['input', 'image', 'icon', 'progress', 'import', 'include', 'slider', 'switch', 'textarea']);
const DIRECTIVES = new Set(['a:if', 'a:elif', 'a:else', 'a:for', 'a:for-item', 'a:for-index', 'a:key']);
/** WeChat window keys that Alipay ignores, with the key it wants instead. */
const WECHAT_WINDOW_KEYS = { navigationBarTitleText: 'defaultTitle', navigationBarBackgroundColor: 'titleBarColor' };
const HANDLER_RE = /^(on|catch)[A-Z]\w*$/;

const lineAt = (text, index) => text.slice(0, index).split('\n').length;

/** Parses an .axml strictly enough to catch what breaks the Alipay compiler. */
export function parseAxml(text) {
  const problems = [];
  const handlers = [];
  const stack = [];
  const tagRe = /<!--[\s\S]*?-->|<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>|</g;
  let last = 0;
  const checkMustache = (chunk, offset) => {
    const opens = (chunk.match(/\{\{/g) ?? []).length;
    const closes = (chunk.match(/\}\}/g) ?? []).length;
    if (opens !== closes) problems.push({ line: lineAt(text, offset), message: 'unbalanced {{ }}' });
  };
  for (const match of text.matchAll(tagRe)) {
    const [whole, name, attrs = '', selfClose] = match;
    checkMustache(text.slice(last, match.index), last);
    last = match.index + whole.length;
    if (whole.startsWith('<!--')) continue;
    const line = lineAt(text, match.index);
    if (!name) {
      problems.push({ line, message: 'a "<" that starts no valid tag (unquoted attribute, stray "<" or broken tag)' });
      continue;
    }
    if (whole.startsWith('</')) {
      const open = stack.pop();
      if (!open) problems.push({ line, message: `</${name}> closes nothing` });
      else if (open.name !== name) problems.push({ line, message: `</${name}> closes <${open.name}> opened on line ${open.line}` });
      continue;
    }
    const attrRe = /([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g;
    for (const [, attr, rawValue] of attrs.matchAll(attrRe)) {
      if (rawValue !== undefined && !/^["']/.test(rawValue)) problems.push({ line, message: `attribute ${attr} on <${name}> is not quoted` });
      const value = rawValue?.replace(/^["']|["']$/g, '') ?? '';
      checkMustache(value, match.index);
      if (/^wx:|^bind|^catch[a-z]|^mut-bind/.test(attr)) problems.push({ line, message: `${attr} is WeChat syntax; Alipay uses a:… and onTap/catchTap` });
      else if (attr.startsWith('a:') && !DIRECTIVES.has(attr)) problems.push({ line, message: `unknown directive ${attr}` });
      if (HANDLER_RE.test(attr)) {
        if (!/^[A-Za-z_$][\w$]*$/.test(value)) problems.push({ line, message: `${attr}="${value}" must name a method` });
        else handlers.push({ line, attr, name: value, tag: name });
      }
    }
    if (!selfClose && !VOID_TAGS.has(name)) stack.push({ name, line });
  }
  checkMustache(text.slice(last), last);
  for (const open of stack) problems.push({ line: open.line, message: `<${open.name}> is never closed` });
  return { problems, handlers };
}

/** Names callable from a template: top-level keys of Page({...}); `methods` keys of Component({...}). */
export function handlerNames(tsText, fileName = 'index.ts') {
  const source = ts.createSourceFile(fileName, tsText, ts.ScriptTarget.ES2019, true);
  const names = { kind: undefined, methods: new Set() };
  const keysOf = (obj) => obj.properties.filter((p) => p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))).map((p) => p.name.text);
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['Page', 'Component'].includes(node.expression.text)) {
      const [arg] = node.arguments;
      if (arg && ts.isObjectLiteralExpression(arg)) {
        names.kind = node.expression.text;
        if (names.kind === 'Page') keysOf(arg).forEach((k) => names.methods.add(k));
        const methods = arg.properties.find((p) => p.name && p.name.getText() === 'methods');
        if (methods && ts.isPropertyAssignment(methods) && ts.isObjectLiteralExpression(methods.initializer)) {
          keysOf(methods.initializer).forEach((k) => names.methods.add(k));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function readJson(file, problems) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${file}: ${error.message}`);
    return undefined;
  }
}

function listAxml(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return ['shared', 'node_modules'].includes(e.name) ? [] : listAxml(full);
    return e.name.endsWith('.axml') ? [full] : [];
  });
}

export function checkAlipay(root = path.join(REPO, 'alipay')) {
  const problems = [];
  const rel = (f) => path.relative(process.cwd(), f);

  const project = readJson(path.join(root, 'mini.project.json'), problems);
  if (project && (project.format !== 2 || project.compileOptions?.typescript !== true || project.compileOptions?.component2 !== true)) {
    problems.push(`${rel(path.join(root, 'mini.project.json'))}: needs format 2 with compileOptions.typescript and compileOptions.component2 true`);
  }
  const app = readJson(path.join(root, 'app.json'), problems);
  for (const page of app?.pages ?? []) {
    for (const ext of ['axml', 'ts', 'json']) {
      if (!fs.existsSync(path.join(root, `${page}.${ext}`))) problems.push(`app.json: page ${page} has no ${page}.${ext}`);
    }
  }
  for (const [wechatKey, alipayKey] of Object.entries(WECHAT_WINDOW_KEYS)) {
    if (app?.window && wechatKey in app.window) problems.push(`app.json: window.${wechatKey} is WeChat's key; Alipay reads ${alipayKey}`);
  }

  for (const axml of listAxml(root)) {
    const text = fs.readFileSync(axml, 'utf8');
    const { problems: found, handlers } = parseAxml(text);
    found.forEach((p) => problems.push(`${rel(axml)}:${p.line}: ${p.message}`));
    const tsFile = axml.replace(/\.axml$/, '.ts');
    const jsonFile = axml.replace(/\.axml$/, '.json');
    const config = fs.existsSync(jsonFile) ? readJson(jsonFile, problems) : undefined;
    for (const [tag, target] of Object.entries(config?.usingComponents ?? {})) {
      const base = target.startsWith('/') ? path.join(root, target) : path.resolve(path.dirname(axml), target);
      if (!fs.existsSync(`${base}.axml`)) problems.push(`${rel(jsonFile)}: usingComponents.${tag} → ${target} has no .axml`);
    }
    if (!fs.existsSync(tsFile)) {
      if (handlers.length > 0) problems.push(`${rel(axml)}: names handlers but has no ${path.basename(tsFile)}`);
      continue;
    }
    const names = handlerNames(fs.readFileSync(tsFile, 'utf8'), tsFile);
    if (!names.kind) problems.push(`${rel(tsFile)}: calls neither Page({...}) nor Component({...})`);
    for (const h of handlers) {
      if (!names.methods.has(h.name)) {
        const where = names.kind === 'Component' ? 'its methods' : 'the Page object';
        problems.push(`${rel(axml)}:${h.line}: ${h.attr}="${h.name}" on <${h.tag}>, but ${h.name} is not in ${where} (${path.basename(tsFile)})`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(REPO, 'alipay'));
  const problems = checkAlipay(root);
  if (problems.length > 0) {
    problems.forEach((p) => console.error(p));
    console.error(`check-alipay: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`check-alipay: ${listAxml(root).length} templates well-formed, every handler found`);
}
