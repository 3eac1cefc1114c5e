// Measures a rendered page inside the browser (passed to Playwright's evaluate, so it
// is serialised: everything it needs is inside the function). Class names carry the
// simulator's prefixes ("main--btn-add", "upload-card--name"); `short` strips them.

export interface Layout {
  scrollWidth: number;
  /** Elements whose box reaches past either edge of the phone. */
  overflowing: string[];
  smallestFontPx: number;
  /** Text of single-class elements, by class without prefix (e.g. 'empty-hint'). */
  texts: Record<string, string>;
  buttons: Array<{ name: string; text: string; disabled: boolean; color: string; background: string; top: number; width: number; height: number }>;
  cards: Array<{
    name: string;
    status: string;
    percent: string;
    error: string;
    actions: string[];
    nameTruncated: boolean;
    nameInsideCard: boolean;
    actionsInsideCard: boolean;
    /** Pairs of the card's parts whose boxes overlap (e.g. "percent/error"). */
    overlaps: string[];
  }>;
  entries: Array<{ name: string; nameTruncated: boolean; nameInsideEntry: boolean }>;
}

export function measureLayout(): Layout {
  const short = (el: Element) => (el.getAttribute('class') ?? el.tagName.toLowerCase()).split(/\s+/)[0].replace(/^[\w-]+?--/, '');
  const box = (el: Element) => el.getBoundingClientRect();
  const inside = (inner: DOMRect, outer: DOMRect) =>
    inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
  const text = (el: Element | null) => (el?.textContent ?? '').trim();
  const all = Array.from(document.querySelectorAll('body *'));
  const width = window.innerWidth;

  const overflowing = all.filter((el) => {
    const r = box(el);
    return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5);
  }).map(short);

  let smallestFontPx = Infinity;
  for (const el of all) {
    const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
    if (ownText && box(el).width > 0) smallestFontPx = Math.min(smallestFontPx, parseFloat(getComputedStyle(el).fontSize));
  }

  const texts: Record<string, string> = {};
  for (const el of all) if (el.classList.length === 1) texts[short(el)] ??= text(el);

  const buttons = Array.from(document.querySelectorAll('wx-button')).map((el) => {
    const r = box(el);
    const style = getComputedStyle(el);
    return { name: short(el), text: text(el), disabled: el.hasAttribute('disabled'), color: style.color, background: style.backgroundColor, top: r.top, width: r.width, height: r.height };
  });

  const cards = Array.from(document.querySelectorAll('.upload-card--card')).map((card) => {
    const part = (name: string) => card.querySelector(`.upload-card--${name}`);
    const name = part('name')!;
    const cardBox = box(card);
    const actions = Array.from(card.querySelectorAll('wx-button'));
    const parts = ['name', 'meta', 'bar', 'percent', 'error', 'actions'].map((p) => [p, part(p)] as const).filter(([, el]) => el && box(el).height > 0);
    const overlaps: string[] = [];
    parts.forEach(([a, ea], i) =>
      parts.slice(i + 1).forEach(([b, eb]) => {
        const ra = box(ea!);
        const rb = box(eb!);
        if (ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom - 0.5 && rb.top < ra.bottom - 0.5) overlaps.push(`${a}/${b}`);
      }),
    );
    return {
      name: text(name),
      status: text(part('status')),
      percent: text(part('percent')),
      error: text(part('error')),
      actions: actions.map(text),
      nameTruncated: name.scrollWidth > name.clientWidth && getComputedStyle(name).textOverflow === 'ellipsis',
      nameInsideCard: inside(box(name), cardBox),
      actionsInsideCard: actions.every((a) => inside(box(a), cardBox)),
      overlaps,
    };
  });

  const entries = Array.from(document.querySelectorAll('.main--entry')).map((entry) => {
    const name = entry.querySelector('.main--entry-name')!;
    return {
      name: text(name),
      nameTruncated: name.scrollWidth > name.clientWidth && getComputedStyle(name).textOverflow === 'ellipsis',
      nameInsideEntry: inside(box(name), box(entry)),
    };
  });

  return { scrollWidth: document.documentElement.scrollWidth, overflowing, smallestFontPx, texts, buttons, cards, entries };
}
