// The console page at `/`: the local twin of a cloud console's file list. Plain
// HTML, no script. Keys and types come from uploads, so every one of them is
// escaped, and the page's CSP forbids script outright in case one ever slips through.
import { s3ObjectUrl } from '../../../miniprogram/shared/signing/index';
import type { StoredObject } from './storage';
import { escapeXml as escapeHtml } from './xml';
import { formatBytes } from '../../../miniprogram/shared/contract/index';

export const CONSOLE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";

/** `2026-11-22 10:00:05 UTC`: unambiguous without a script to localise it. */
export function humanTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export interface ConsoleView {
  bucket: string;
  region: string;
  /** Path objects are served under, e.g. /dev-bucket. */
  objectsPath: string;
  objects: StoredObject[];
  /** A private bucket's presigned link per key; default: the plain path under objectsPath. */
  objectHref?: (key: string) => string;
}

function row(object: StoredObject, view: ConsoleView): string {
  const href = escapeHtml(view.objectHref ? view.objectHref(object.key) : s3ObjectUrl(view.objectsPath, object.key));
  const key = escapeHtml(object.key);
  const preview = object.contentType.startsWith('image/')
    ? `<img class="thumb" src="${href}" alt="${key}" loading="lazy">`
    : `<span class="thumb none" aria-hidden="true">file</span>`;
  return `<tr class="object">
<td>${preview}</td>
<td class="key"><a href="${href}">${key}</a></td>
<td class="type">${escapeHtml(object.contentType)}</td>
<td class="size" title="${object.size} bytes">${formatBytes(object.size)}</td>
<td class="time"><time datetime="${object.lastModified.toISOString()}">${humanTime(object.lastModified)}</time></td>
</tr>`;
}

export function renderConsole(view: ConsoleView): string {
  const total = view.objects.reduce((sum, o) => sum + o.size, 0);
  const count = view.objects.length;
  const body =
    count === 0
      ? `<p class="empty">The bucket is empty. Upload a photo from the mini program and it will appear here, newest first.</p>`
      : `<table>
<thead><tr><th>Preview</th><th>Key</th><th>Type</th><th>Size</th><th>Uploaded</th></tr></thead>
<tbody>
${view.objects.map((o) => row(o, view)).join('\n')}
</tbody>
</table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev bucket · ${escapeHtml(view.bucket)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 4px; }
.summary { color: #59636e; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #d1d9e0; vertical-align: middle; }
th { font-weight: 600; color: #59636e; }
.thumb { width: 64px; height: 64px; object-fit: cover; border-radius: 4px; display: block; background: #f6f8fa; }
.thumb.none { display: flex; align-items: center; justify-content: center; color: #59636e; font-size: 12px; }
.key { font-family: ui-monospace, monospace; word-break: break-all; }
.size, .time { white-space: nowrap; }
.empty { padding: 32px; text-align: center; color: #59636e; border: 1px dashed #d1d9e0; border-radius: 6px; }
</style>
</head>
<body>
<h1>Dev bucket <code>${escapeHtml(view.bucket)}</code></h1>
<p class="summary">${escapeHtml(view.region)} · ${count} object${count === 1 ? '' : 's'} · ${formatBytes(total)}</p>
${body}
</body>
</html>
`;
}
