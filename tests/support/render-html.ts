// Turns a page rendered by miniprogram-simulate into a standalone HTML file a real
// browser can lay out: the simulator's DOM (wx-view, wx-button… custom elements),
// the real WXSS of the app, the page and its components, and an approximation of
// WeChat's built-in component styles. It is the closest honest picture we can take
// without WeChat DevTools; what it cannot know (native fonts, the nav/tab bars'
// exact pixels) is approximated and said so below.
import fs from 'node:fs';
import path from 'node:path';
import { MINIPROGRAM, type Rendered } from './open-page';

// The simulator's own class-prefixing compiler (internal module, no public export):
// using it guarantees our selectors match the classes it wrote into the DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulateWxss: { compile(css: string, options: { prefix: string }): string } = require('miniprogram-simulate/src/wxss');

/** Width of the phone we picture (iPhone X class); 750rpx always spans the screen. */
export const PHONE_WIDTH_PX = 375;
export const PHONE_HEIGHT_PX = 812;
const PX_PER_RPX = PHONE_WIDTH_PX / 750;
/** The simulator mounts a page as <main> and prefixes its classes with "main--". */
const PAGE_TAG = 'main';

/** `24rpx` -> `12px` at a 375 px wide phone (the simulator itself maps 1rpx to 1px). */
export function rpxToPx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx/g, (_, n: string) => `${Number((Number(n) * PX_PER_RPX).toFixed(2))}px`);
}

const read = (file: string) => fs.readFileSync(file, 'utf8');

/**
 * WeChat base library "style": "v2" built-ins, approximated from its documented look:
 * block views, grey default buttons with green text, green primary, red-on-grey warn,
 * mini buttons 13px, disabled buttons grey with faint text whatever their type.
 */
const BUILT_IN_CSS = `
html, body { margin: 0; }
wx-view { display: block; }
wx-text { display: inline; white-space: pre-wrap; }
wx-image { display: inline-block; overflow: hidden; width: 320px; height: 240px; background-size: cover; background-position: center; }
wx-button { position: relative; display: block; box-sizing: border-box; margin-left: auto; margin-right: auto;
  padding: 8px 24px; font-size: 17px; font-weight: 700; line-height: 1.41176471; text-align: center; border-radius: 8px;
  overflow: hidden; color: #06ae56; background-color: #f2f2f2; }
/* v2 fixes non-mini buttons at 184px with a selector that outranks a single page class (hence !important in our WXSS). */
wx-button:not([size=mini]) { width: 184px; }
wx-button[type=primary] { color: #fff; background-color: #07c160; }
wx-button[type=warn] { color: #fa5151; background-color: #f2f2f2; }
wx-button[size=mini] { display: inline-block; width: auto; padding: 0 1.34em; font-size: 13px; line-height: 2.3; }
wx-button[disabled] { color: rgba(0, 0, 0, 0.18) !important; background-color: #f2f2f2 !important; }
.nav-bar { height: 88px; box-sizing: border-box; padding-top: 44px; background: #fff; text-align: center;
  font: 600 17px/44px -apple-system, 'PingFang SC', sans-serif; border-bottom: 1px solid #eee; }
`;

/** The page's usingComponents, as tag -> absolute path without extension. */
function componentsOf(pagePath: string): Array<{ tag: string; file: string }> {
  const json = JSON.parse(read(path.join(MINIPROGRAM, `${pagePath}.json`)));
  return Object.entries<string>(json.usingComponents ?? {}).map(([tag, ref]) => ({
    tag,
    file: ref.startsWith('/') ? path.join(MINIPROGRAM, ref) : path.join(MINIPROGRAM, path.dirname(pagePath), ref),
  }));
}

/** Built-in components whose tag may appear as a WXSS selector (`.row button`); in the DOM they are wx-<tag>. */
const BUILT_IN_TAGS = ['view', 'text', 'button', 'image', 'navigator', 'input', 'textarea', 'scroll-view', 'icon', 'progress'];
const TAG_SELECTOR_RE = new RegExp(`(^|[\\s,>+~(}])(${BUILT_IN_TAGS.join('|')})(?=$|[\\s,.:\\[>+~{)])`, 'g');

/** WeChat's compiler turns `button` selectors into `wx-button`; do the same here (selectors only, not values). */
function tagSelectorsToWx(css: string): string {
  return css.replace(/([^{}]+)\{/g, (_, selector: string) => `${selector.replace(TAG_SELECTOR_RE, '$1wx-$2')}{`);
}

/** app.wxss (its `page` selector is the document body here) + page + component styles, in px. */
export function pageCss(pagePath: string): string {
  const app = rpxToPx(read(path.join(MINIPROGRAM, 'app.wxss'))).replace(/(^|[\s,}])page(?=[\s,{])/g, '$1body');
  const compile = (file: string, prefix: string) => tagSelectorsToWx(simulateWxss.compile(rpxToPx(read(file)), { prefix }));
  const page = compile(path.join(MINIPROGRAM, `${pagePath}.wxss`), PAGE_TAG);
  const components = componentsOf(pagePath).map(({ tag, file }) => compile(`${file}.wxss`, tag));
  return [app, page, ...components].join('\n');
}

/** Attributes of built-ins the simulator keeps only in its virtual tree; the built-in CSS keys on them. */
const KEPT_ATTRIBUTES = ['type', 'size', 'disabled', 'loading', 'plain', 'mode'];

interface ExparserNode {
  $$?: HTMLElement;
  _vt?: { attrs?: Array<{ name: string; value: unknown }> };
  childNodes?: ExparserNode[];
  shadowRoot?: ExparserNode;
}

/**
 * Copies button types, sizes, disabled flags and image sources onto the DOM.
 * `imageFor` maps an image src the browser cannot load (a temp file path) to one it can.
 */
function exposeAttributes(node: ExparserNode, imageFor: (src: string) => string): void {
  const element = node.$$;
  for (const { name, value } of node._vt?.attrs ?? []) {
    if (!element) break;
    if (KEPT_ATTRIBUTES.includes(name) && value !== false && value !== undefined && value !== '') {
      element.setAttribute(name, value === true ? '' : String(value));
    }
    // Set as text: jsdom's CSS parser drops data: URLs given to style.backgroundImage.
    if (name === 'src' && value) element.setAttribute('style', `${element.getAttribute('style') ?? ''};background-image:url("${imageFor(String(value))}")`);
  }
  node.childNodes?.forEach((child) => exposeAttributes(child, imageFor));
  if (node.shadowRoot) exposeAttributes(node.shadowRoot, imageFor);
}

/** A photo-like placeholder for thumbnails: the real temp files do not exist outside WeChat. */
export const PLACEHOLDER_PHOTO =
  'data:image/svg+xml;utf8,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="90" viewBox="0 0 120 90" preserveAspectRatio="xMidYMid slice"><defs><linearGradient id="g" x2="0" y2="1">` +
      `<stop offset="0" stop-color="#8ec5fc"/><stop offset="1" stop-color="#e0c3fc"/></linearGradient></defs>` +
      `<rect width="120" height="90" fill="url(#g)"/><path d="M0 90 L40 45 L70 75 L90 55 L120 90Z" fill="#5b8c5a"/>` +
      `<circle cx="92" cy="22" r="10" fill="#ffd86b"/></svg>`,
  );

export function toHtml(page: Rendered, options: { pagePath: string; title: string }): string {
  const root = (page as unknown as { _exparserNode: ExparserNode })._exparserNode;
  exposeAttributes(root, () => PLACEHOLDER_PHOTO);
  const body = (page.dom as unknown as HTMLElement).outerHTML;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=${PHONE_WIDTH_PX}">
<title>${options.title}</title>
<style>${BUILT_IN_CSS}</style>
<style>${pageCss(options.pagePath)}</style>
</head><body><div class="nav-bar">直传相册</div>${body}</body></html>
`;
}
