/** Small helpers for the self-contained HTML pages of the reports (no scripts, no external files). */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** A PNG as a `data:` URI. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** One embedded picture: a figure with a heading, the image and a caption. */
export interface EmbeddedPicture {
  /** File name of the PNG written beside the page (kept in `data-file`). */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly png: Uint8Array;
  /** Pixel width of the PNG. */
  readonly pixelWidth: number;
  /** Width it is shown at, in CSS pixels. */
  readonly displayWidth: number;
}

/** A `<figure>` embedding the picture as a data URI. */
export function figureHtml(picture: EmbeddedPicture): string {
  return `<figure id="${escapeHtml(picture.file.replace(/\.png$/, ''))}">
  <img src="${pngDataUri(picture.png)}" alt="${escapeHtml(picture.title)}" data-file="${escapeHtml(picture.file)}" width="${picture.displayWidth}" style="max-width: 100%; height: auto">
  <figcaption>${escapeHtml(picture.description)}</figcaption>
</figure>`;
}

/** A table cell: HTML (already escaped), optionally right-aligned as a number. */
export type Cell = string | { readonly html: string; readonly numeric: boolean };

function cellHtml(tag: 'th' | 'td', cell: Cell): string {
  return typeof cell === 'string' ? `<${tag}>${cell}</${tag}>` : `<${tag}${cell.numeric ? ' class="num"' : ''}>${cell.html}</${tag}>`;
}

/** A table from a header row and body rows. */
export function tableHtml(header: readonly Cell[], rows: readonly (readonly Cell[])[], className = ''): string {
  const head = `<tr>${header.map((cell) => cellHtml('th', cell)).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => cellHtml('td', cell)).join('')}</tr>`).join('\n');
  const thead = header.length > 0 ? `<thead>${head}</thead>\n` : '';
  return `<table${className ? ` class="${className}"` : ''}>\n${thead}<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A whole page: DejaVu Sans first, readable width, light tables. */
export function pageHtml(title: string, body: string, width: number): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fafafa; margin: 0; }
  main { max-width: ${width + 40}px; margin: 0 auto; padding: 24px 20px 48px; background: #fff; }
  h1 { font-size: 24px; margin: 8px 0 4px; }
  h2 { font-size: 19px; margin: 36px 0 10px; padding-top: 8px; border-top: 1px solid #e6e6e6; }
  p.lead { color: #555; margin: 0 0 16px; }
  figure { margin: 12px 0 28px; }
  hr { border: none; border-top: 1px solid #e6e6e6; margin: 28px 0 8px; }
  figcaption { color: #444; font-size: 14px; line-height: 1.45; margin-top: 6px; max-width: ${width}px; }
  table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0 16px; }
  th, td { padding: 4px 10px; text-align: left; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
  th { background: #f2f2f2; font-weight: bold; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  table.kv th { background: none; width: 200px; }
  .scroll { overflow-x: auto; }
  .note { color: #8a4b00; }
  code { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
