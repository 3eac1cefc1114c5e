// Reading and driving the WeChat upload page's grid in miniprogram-simulate tests over the
// scripted `wx`: each tile as a person sees it, and the "+" tile's sheet and picker.
import { hasClass, tap, textOf, type Rendered } from './open-page';
import type { ScriptedWx } from './scripted-wx';

export const UPLOAD_PAGE = 'pages/upload/index';
export const TILE_STATUSES = ['waiting', 'uploading', 'paused', 'done', 'failed', 'cancelled'] as const;
/** The sheet the "+" tile opens on WeChat: camera, album, chats. */
export const SHEET = { camera: 0, album: 1, chat: 2 } as const;

type Node = NonNullable<ReturnType<Rendered['querySelector']>>;

/** Every tile of the grid (the "+" tile aside), as it reads on screen. */
export function tiles(page: Rendered) {
  return page
    .querySelectorAll('.grid-cell')
    .map((cell) => ({ cell, tile: cell.querySelector('.tile') }))
    .filter((t): t is { cell: Node; tile: Node } => !!t.tile)
    .map(({ cell, tile }) => ({
      cell,
      tile,
      name: textOf(cell.querySelector('.name')),
      note: textOf(cell.querySelector('.note')),
      overlay: textOf(cell.querySelector('.overlay-text')),
      hint: textOf(cell.querySelector('.overlay-hint')),
      done: !!cell.querySelector('.done-mark'),
      status: TILE_STATUSES.find((s) => hasClass(tile, `tile--${s}`)),
    }));
}

/** A picked photo at a DevTools-style temp path. */
export const photo = (name: string, size = 1000) => ({ path: `http://tmp/${name}`, size });

/** The "+" tile, then the sheet's choice, then the picker answers with these files. */
export function add(page: Rendered, wx: ScriptedWx, files: Array<{ path: string; size: number }>, choice: number = SHEET.album) {
  wx.sheetAnswers.push(choice);
  wx.picks.push({ files });
  tap(page, '.add-tile');
}
