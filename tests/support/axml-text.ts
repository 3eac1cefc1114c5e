// What an Alipay template shows in one text element for given data: finds the element
// of `className` in the .axml and evaluates the `{{ }}` expressions of its text against
// the scope (e.g. `{ item }` inside an a:for). Only for elements whose content is text
// (no nested tags); enough to prove what a person reads where the page data alone
// cannot (a template that binds the wrong field renders a blank line).
import fs from 'node:fs';

export function axmlText(file: string, className: string, scope: Record<string, unknown>): string {
  const text = fs.readFileSync(file, 'utf8');
  const element = new RegExp(`<([a-z][\\w-]*)\\s[^>]*class="${className}(?:\\s[^"]*)?"[^>]*>([^<]*)</\\1>`);
  const found = element.exec(text);
  if (!found) throw new Error(`${file}: no text element with class ${className}`);
  const names = Object.keys(scope);
  return found[2]
    .replace(/\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const value = new Function(...names, `return (${expression});`)(...names.map((n) => scope[n]));
      return value === undefined || value === null ? '' : String(value);
    })
    .trim();
}
