import { hasDashboardFont } from './dashboard-assets.js';

/**
 * The page's Content-Security-Policy: everything from this server, nothing from anywhere else.
 * vega compiles its expressions with `new Function`, hence 'unsafe-eval'.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string, bodyAttributes = ''): string {
  const font = hasDashboardFont()
    ? `<style>@font-face { font-family: "DejaVu Sans"; src: url("/assets/DejaVuSans.ttf") format("truetype"); }</style>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${font}<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body${bodyAttributes}>
${body}
</body>
</html>
`;
}

/** The live page of one study or run directory; its script follows `eventsUrl` (Server-Sent Events). */
export function dashboardPage(title: string, eventsUrl: string): string {
  const body = `<header>
  <h1>${escapeHtml(title)}</h1>
  <p id="status" class="status">connecting…</p>
  <p id="connection" class="connection" data-state="connecting">connecting</p>
</header>
<main>
  <section class="chart"><h2>Incumbent trajectory</h2><div id="trajectory-chart" class="plot"></div></section>
  <section class="chart"><h2>Losses per budget</h2><div id="losses-chart" class="plot"></div></section>
  <section><h2>Running jobs</h2><table id="running"><thead><tr><th>config</th><th>budget</th><th>asked</th><th>lease ends</th><th>configuration</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Best configurations</h2><table id="best"><thead><tr><th>#</th><th>config</th><th>loss</th><th>budget</th><th>configuration</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Latest results</h2><table id="results"><thead><tr><th>config</th><th>budget</th><th>loss</th><th>finished</th><th>error</th></tr></thead><tbody></tbody></table></section>
  <section id="warnings-section" hidden><h2>Warnings</h2><ul id="warnings"></ul></section>
</main>
<script src="/assets/vega.min.js"></script>
<script src="/assets/vega-lite.min.js"></script>
<script src="/assets/dashboard.js"></script>`;
  return page(`${title} · bandster`, body, ` data-events="${escapeHtml(eventsUrl)}"`);
}

/** The list of what this server shows, each linking to its page. */
export function indexPage(heading: string, entries: readonly { name: string; line: string }[]): string {
  const items = entries.map(
    (entry) =>
      `<li><a href="/studies/${encodeURIComponent(entry.name)}/">${escapeHtml(entry.name)}</a> <span class="muted">${escapeHtml(entry.line)}</span></li>`,
  );
  const list =
    items.length > 0
      ? `<ul class="index">${items.join('\n')}</ul>`
      : '<p class="muted">nothing yet: create a study with POST /api/studies</p>';
  return page(heading, `<header><h1>${escapeHtml(heading)}</h1></header>\n<main>${list}</main>`);
}
