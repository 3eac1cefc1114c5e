// The .env file `npm start` reads. Node's own reader (process.loadEnvFile) reports
// nothing: a line without "=" silently swallowed the line after it, an unclosed quote
// became part of the value. This one reads the same everyday forms and refuses
// anything else by line number, never quoting the line (it may hold a secret):
//   NAME=value          trimmed; " #" starts a comment
//   export NAME=value   (as in a shell script)
//   NAME='value'        literal, may span lines
//   NAME="value"        \n \r \t \" \\ escapes, may span lines (a PEM key)
//   # comment, blank lines
// dotenv (the npm package) is no better here: it also skips bad lines silently.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from './config';
import type { Env } from './config';

const ASSIGNMENT = /^\s*(?:export\s+)?([^=]*?)\s*=\s*(.*)$/s;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

const lineError = (line: number, problem: string) => new ConfigError(`.env line ${line}: ${problem}`);

/** NAME → value for every assignment in `text`; throws a ConfigError naming the first bad line. */
export function parseDotEnv(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values: Record<string, string> = {};
  const firstLine: Record<string, number> = {};
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) throw lineError(lineNumber, 'expected NAME=value (this line has no "=").');
    const [, name, rest] = match;
    if (!NAME.test(name)) throw lineError(lineNumber, 'the name before "=" must be letters, digits and "_", not starting with a digit.');
    if (firstLine[name] !== undefined) throw lineError(lineNumber, `${name} was already set on line ${firstLine[name]}.`);
    firstLine[name] = lineNumber;
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      values[name] = rest.replace(/\s+#.*$/, '').trim();
      continue;
    }
    // A quoted value runs to its closing quote, on this line or a later one.
    let body = rest.slice(1);
    let close = closingQuote(body, quote);
    while (close < 0 && i + 1 < lines.length) {
      i += 1;
      body += '\n' + lines[i];
      close = closingQuote(body, quote);
    }
    if (close < 0) throw lineError(lineNumber, `the value of ${name} opens a ${quote} that never closes.`);
    const after = body.slice(close + 1).trim();
    if (after !== '' && !after.startsWith('#')) throw lineError(i + 1, `only a comment may follow the closing ${quote} of ${name}.`);
    const raw = body.slice(0, close);
    values[name] = quote === '"' ? raw.replace(/\\(.)/gs, (all, c: string) => ESCAPES[c] ?? all) : raw;
  }
  return values;
}

/** Index of the quote closing `body` (escaped ones skipped inside "…"), or -1. */
function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') i += 1;
    else if (body[i] === quote) return i;
  }
  return -1;
}

/** Sets what `file` assigns, except variables `env` already has (real environment variables win). */
export function loadDotEnv(file: string, env: Env = process.env): void {
  if (!existsSync(file)) return;
  for (const [name, value] of Object.entries(parseDotEnv(readFileSync(file, 'utf8')))) {
    if (env[name] === undefined) env[name] = value;
  }
}
