// Measures a rendered page inside the browser (passed to Playwright's evaluate, so it
// is serialised: everything it needs is inside the function). Class names carry the
// simulator's prefixes ("main--add-tile", "upload-card--name"); `short` strips them.
// What it measures is what a person notices: things they can tap and how big they
// are, text they can read against what is behind it, text cut or wrapped, and the
// grid of photos.

export interface TapTarget {
  name: string;
  label: string;
  width: number;
  height: number;
}

export interface TextContrast {
  name: string;
  text: string;
  ratio: number;
  /** WCAG "large text" (24 px, or 18.66 px bold): 3:1 is enough. */
  large: boolean;
}

export interface Layout {
  scrollWidth: number;
  /** Elements whose box reaches past either edge of the phone. */
  overflowing: string[];
  smallestFontPx: number;
  /** Text of single-class elements, by class without prefix (e.g. 'empty-hint'). */
  texts: Record<string, string>;
  navTitle: string;
  tabs: Array<{ text: string; color: string }>;
  /** Everything a person can tap: buttons, and views with aria-role button/switch. */
  tapTargets: TapTarget[];
  /** Every visible text node's colour against the colour really behind it (disabled controls excepted). */
  contrasts: TextContrast[];
  /** Primary-styled buttons on the page. */
  primaries: string[];
  /** Buttons and one-line labels whose text broke onto a second line. */
  wrapped: string[];
  tiles: Array<{
    name: string;
    note: string;
    overlay: string;
    status: string;
    left: number;
    top: number;
    width: number;
    squareWidth: number;
    squareHeight: number;
    nameTruncated: boolean;
  }>;
  /** Distinct left edges of the first row of grid cells: the column count. */
  columns: number;
  entries: Array<{ name: string; day: string; nameTruncated: boolean; nameInsideEntry: boolean }>;
  days: string[];
}

export function measureLayout(): Layout {
  const short = (el: Element) => (el.getAttribute('class') ?? el.tagName.toLowerCase()).split(/\s+/)[0].replace(/^[\w-]+?--/, '');
  const box = (el: Element) => el.getBoundingClientRect();
  const inside = (inner: DOMRect, outer: DOMRect) =>
    inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
  const text = (el: Element | null) => (el?.textContent ?? '').trim();
  const visible = (el: Element) => {
    const r = box(el);
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const hasClass = (el: Element, name: string) => Array.from(el.classList).some((c) => c === name || c.endsWith(`--${name}`));
  const all = Array.from(document.querySelectorAll('body *'));
  const width = window.innerWidth;

  const overflowing = all.filter((el) => {
    const r = box(el);
    return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
  }).map(short);

  const ownText = (el: Element) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
  let smallestFontPx = Infinity;
  for (const el of all) if (ownText(el) && visible(el)) smallestFontPx = Math.min(smallestFontPx, parseFloat(getComputedStyle(el).fontSize));

  const texts: Record<string, string> = {};
  for (const el of all) if (el.classList.length === 1) texts[short(el)] ??= text(el);

  // ---- what can be tapped, and how big it is ----
  const tappable = all.filter(
    (el) => visible(el) && (el.tagName.toLowerCase() === 'wx-button' || ['button', 'switch'].includes(el.getAttribute('aria-role') ?? '')),
  );
  const tapTargets = tappable.map((el) => ({ name: short(el), label: el.getAttribute('aria-label') ?? text(el), width: box(el).width, height: box(el).height }));

  // ---- contrast: the text colour over the colours really behind it ----
  type RGBA = [number, number, number, number];
  const parse = (css: string): RGBA => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const [r, g, b, a = '1'] = m[1].split(/[,\s/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(b), Number(a)];
  };
  const over = (top: RGBA, bottom: RGBA): RGBA => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  /** The backgrounds from the element up to the first opaque one, composed (a photo counts as the grey square behind it). */
  const backgroundOf = (el: Element): RGBA => {
    const layers: RGBA[] = [];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight<RGBA>((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]: RGBA) => {
    const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratioOf = (a: RGBA, b: RGBA) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const disabled = (el: Element) => !!el.closest('[disabled], [aria-disabled="true"]');
  const contrasts = all
    .filter((el) => ownText(el) && visible(el) && !disabled(el))
    .map((el) => {
      const style = getComputedStyle(el);
      const bg = backgroundOf(el);
      const fg = over(parse(style.color), bg);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700 || style.fontWeight === 'bold';
      return { name: short(el), text: text(el), ratio: Math.round(ratioOf(fg, bg) * 100) / 100, large: size >= 24 || (bold && size >= 18.66) };
    });

  const primaries = all
    .filter((el) => visible(el) && (el.getAttribute('type') === 'primary' || hasClass(el, 'btn-primary')))
    .map((el) => text(el));

  // ---- text that broke onto a second line where it must not ----
  const lines = (el: Element) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  };
  const oneLine = ['name', 'note', 'overlay-text', 'overlay-hint', 'add-label', 'original-label', 'summary-size', 'summary-count', 'entry-name', 'entry-meta', 'day', 'tab-bar-item', 'action-text', 'resume-name', 'resume-title'];
  const wrapped = all
    .filter((el) => visible(el) && text(el) && (el.tagName.toLowerCase() === 'wx-button' || oneLine.some((c) => hasClass(el, c))))
    .filter((el) => lines(el) > 1)
    .map((el) => `${short(el)}: ${text(el)}`);

  // ---- the photo grid ----
  const tiles = Array.from(document.querySelectorAll('.upload-card--tile')).map((tile) => {
    const part = (name: string) => tile.querySelector(`.upload-card--${name}`);
    const square = part('square')!;
    const name = part('name')!;
    const status = (Array.from(tile.classList).find((c) => /--tile--/.test(c)) ?? '').replace(/^.*--tile--/, '');
    return {
      name: text(name),
      note: text(part('note')),
      overlay: text(part('overlay-text')),
      status,
      left: box(tile).left,
      top: box(tile).top,
      width: box(tile).width,
      squareWidth: box(square).width,
      squareHeight: box(square).height,
      nameTruncated: name.scrollWidth > name.clientWidth + 0.5,
    };
  });
  const cells = Array.from(document.querySelectorAll('.main--grid-cell')).map(box);
  const firstRowTop = cells.length > 0 ? Math.min(...cells.map((c) => c.top)) : 0;
  const columns = new Set(cells.filter((c) => Math.abs(c.top - firstRowTop) < 1).map((c) => Math.round(c.left))).size;

  const entries = Array.from(document.querySelectorAll('.main--entry')).map((entry) => {
    const name = entry.querySelector('.main--entry-name')!;
    let day = '';
    for (let prev = entry.previousElementSibling; prev; prev = prev.previousElementSibling) {
      if (hasClass(prev, 'day')) {
        day = text(prev);
        break;
      }
    }
    return {
      name: text(name),
      day,
      nameTruncated: name.scrollWidth > name.clientWidth && getComputedStyle(name).textOverflow === 'ellipsis',
      nameInsideEntry: inside(box(name), box(entry)),
    };
  });

  return {
    scrollWidth: document.documentElement.scrollWidth,
    overflowing,
    smallestFontPx,
    texts,
    navTitle: text(document.querySelector('.nav-bar')),
    tabs: Array.from(document.querySelectorAll('.tab-bar-item')).map((el) => ({ text: text(el), color: getComputedStyle(el).color })),
    tapTargets,
    contrasts,
    primaries,
    wrapped,
    tiles,
    columns,
    entries,
    days: Array.from(document.querySelectorAll('.main--day')).map(text),
  };
}
