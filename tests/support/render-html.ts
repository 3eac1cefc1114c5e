// Turns a page rendered by miniprogram-simulate into a standalone HTML file a real
// browser can lay out: the simulator's DOM (wx-view, wx-button… custom elements),
// the real WXSS of the app, the page and its components, and an approximation of
// WeChat's built-in component styles, under the title the page really set and the
// app's real tab bar (texts as set at runtime, colours from app.json). Alipay pages
// are the same element tree (each AXML mirrors its WXML, see the Alipay template
// test) drawn with Alipay's ACSS, title and tab bar. It is the closest honest picture
// we can take without the vendors' IDEs; what it cannot know (native fonts, the bars'
// exact pixels) is approximated and said so below.
import fs from 'node:fs';
import path from 'node:path';
import { MINIPROGRAM, type Rendered } from './open-page';

export const ALIPAY = path.resolve(MINIPROGRAM, '../alipay');
export type RenderPlatform = 'wechat' | 'alipay';

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
/* The native bars: an iPhone X class status area (44 px) and a 44 px title; a 50 px text-only tab bar
   (app.json gives no icons). The body is a column so a short page still has its tab bar at the bottom. */
body { display: flex; flex-direction: column; min-height: 100vh; }
body > main { flex: 1; }
.nav-bar { height: 88px; box-sizing: border-box; padding-top: 44px; text-align: center;
  font: 600 17px/44px -apple-system, 'PingFang SC', sans-serif; border-bottom: 1px solid #e5e5e5; color: #000; }
.tab-bar { display: flex; height: 50px; border-top: 1px solid #e5e5e5; }
.tab-bar-item { flex: 1; display: flex; align-items: center; justify-content: center; font: 500 12px -apple-system, 'PingFang SC', sans-serif; }
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

/** An Alipay stylesheet with its @imports of the generated alipay/shared/ copy resolved to the originals. */
function readAcss(file: string): string {
  return read(file).replace(/@import\s+["']([^"']+)["'];?/g, (_, ref: string) => {
    const target = path.resolve(path.dirname(file), ref);
    const shared = path.join(ALIPAY, 'shared', 'miniprogram') + path.sep;
    // The build copies each WeChat .wxss into alipay/shared/miniprogram/ as .acss: read the original.
    if (target.startsWith(shared)) return read(path.join(MINIPROGRAM, target.slice(shared.length).replace(/\.acss$/, '.wxss')));
    return readAcss(target);
  });
}

/** app.wxss/.acss (its `page` selector is the document body here) + page + component styles, in px. */
export function pageCss(pagePath: string, platform: RenderPlatform = 'wechat'): string {
  const styleOf = (fileWithoutExt: string) =>
    platform === 'alipay' ? readAcss(path.join(ALIPAY, `${path.relative(MINIPROGRAM, fileWithoutExt)}.acss`)) : read(`${fileWithoutExt}.wxss`);
  const compile = (fileWithoutExt: string, prefix: string) => tagSelectorsToWx(simulateWxss.compile(rpxToPx(styleOf(fileWithoutExt)), { prefix }));
  // App-wide classes apply to page elements (not to components, which WeChat isolates): the page's prefix.
  const app = compile(path.join(MINIPROGRAM, 'app'), PAGE_TAG).replace(/(^|[\s,}])page(?=[\s,{])/g, '$1body');
  const page = compile(path.join(MINIPROGRAM, pagePath), PAGE_TAG);
  const components = componentsOf(pagePath).map(({ tag, file }) => compile(file, tag));
  return [app, page, ...components].join('\n');
}

/** The window and tab bar an app.json declares, in one shape for both platforms. */
export function appChrome(platform: RenderPlatform, pagePath: string) {
  const app = JSON.parse(read(path.join(platform === 'alipay' ? ALIPAY : MINIPROGRAM, 'app.json')));
  const page = JSON.parse(read(path.join(platform === 'alipay' ? ALIPAY : MINIPROGRAM, `${pagePath}.json`)));
  const tabs: Array<{ pagePath: string; text?: string; name?: string }> = app.tabBar?.list ?? app.tabBar?.items ?? [];
  return {
    title: String(platform === 'alipay' ? (page.defaultTitle ?? app.window?.defaultTitle ?? '') : (page.navigationBarTitleText ?? app.window?.navigationBarTitleText ?? '')),
    titleBackground: String((platform === 'alipay' ? app.window?.titleBarColor : app.window?.navigationBarBackgroundColor) ?? '#ffffff'),
    tabs: tabs.map((tab) => String(tab.text ?? tab.name ?? '')),
    selectedTab: tabs.findIndex((tab) => tab.pagePath === pagePath),
    tabColor: String((platform === 'alipay' ? app.tabBar?.textColor : app.tabBar?.color) ?? '#888888'),
    tabSelectedColor: String(app.tabBar?.selectedColor ?? '#000000'),
    tabBackground: String(app.tabBar?.backgroundColor ?? '#ffffff'),
  };
}

/** Attributes of built-ins the simulator keeps only in its virtual tree; the built-in CSS keys on them. */
const KEPT_ATTRIBUTES = ['type', 'size', 'disabled', 'loading', 'plain', 'mode', 'ariaRole', 'ariaLabel', 'ariaDisabled'];
/** The simulator keeps aria-role as ariaRole: back to the attribute name a browser (and WeChat) uses. */
const attributeName = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

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
      element.setAttribute(attributeName(name), value === true ? (name.startsWith('aria') ? 'true' : '') : String(value));
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

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

export interface RenderOptions {
  pagePath: string;
  /** The file's <title>: the state's name. */
  title: string;
  platform?: RenderPlatform;
  /** What the page set with setNavigationBarTitle / my.setNavigationBar (else app.json's). */
  navTitle?: string;
  /** What the page set with setTabBarItem (else app.json's). */
  tabTexts?: string[];
  lang?: 'zh' | 'en';
}

export function toHtml(page: Rendered, options: RenderOptions): string {
  const platform = options.platform ?? 'wechat';
  const root = (page as unknown as { _exparserNode: ExparserNode })._exparserNode;
  exposeAttributes(root, () => PLACEHOLDER_PHOTO);
  const body = (page.dom as unknown as HTMLElement).outerHTML;
  const chrome = appChrome(platform, options.pagePath);
  const title = options.navTitle || chrome.title;
  const tabs = chrome.tabs.map((text, i) => options.tabTexts?.[i] || text);
  const tabBar = tabs
    .map((text, i) => `<div class="tab-bar-item" style="color:${i === chrome.selectedTab ? chrome.tabSelectedColor : chrome.tabColor}">${escapeHtml(text)}</div>`)
    .join('');
  return `<!doctype html>
<html lang="${options.lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=${PHONE_WIDTH_PX}">
<title>${escapeHtml(options.title)}</title>
<style>${BUILT_IN_CSS}</style>
<style>${pageCss(options.pagePath, platform)}</style>
</head><body data-platform="${platform}"><div class="nav-bar" style="background:${chrome.titleBackground}">${escapeHtml(title)}</div>${body}<div class="tab-bar" style="background:${chrome.tabBackground}">${tabBar}</div></body></html>
`;
}
