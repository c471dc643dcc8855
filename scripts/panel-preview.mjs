// Standalone preview of the profiler panel: serves the built webview bundle in a page
// with the same Content-Security-Policy as in VS Code, a fake host (scripts/preview/
// fakeHost.js) that answers with a fixture report, and stand-in theme variables.
//
//   node esbuild.mjs && node scripts/panel-preview.mjs [--port 5178]
//   open http://127.0.0.1:5178/?theme=dark|light|hc&fixture=gpt2-small|mlp-mnist
//
// scripts/panel-screenshots.mjs and the panel's browser tests start it with startPreview().
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** URL prefix -> directory. Nothing else is served. */
const MOUNTS = {
  '/dist/': join(ROOT, 'dist'),
  '/media/': join(ROOT, 'media'),
  '/preview/': join(ROOT, 'scripts', 'preview'),
  '/fixtures/': join(ROOT, 'test', 'fixtures', 'reports'),
};

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

function page(origin, nonce) {
  const csp = [
    "default-src 'none'",
    `img-src ${origin} data:`,
    `style-src ${origin}`,
    `font-src ${origin}`,
    `connect-src ${origin}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // connect-src lets the fake host fetch fixtures; the real panel has no connect-src at all.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="/preview/themes.css">
<link rel="stylesheet" href="/dist/codicon.css">
<link rel="stylesheet" href="/media/panel.css">
<title>Model Profiler (preview)</title>
</head>
<body>
<main id="app" data-state="loading" aria-live="polite"></main>
<script nonce="${nonce}" src="/preview/fakeHost.js"></script>
<script nonce="${nonce}" src="/dist/webview.js"></script>
</body>
</html>
`;
}

function resolveFile(pathname) {
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!pathname.startsWith(prefix)) continue;
    const file = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    return file.startsWith(dir + sep) ? file : undefined;
  }
  return undefined;
}

/** Starts the preview server; resolves to its URL and a close function. */
export function startPreview({ port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    try {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page(`http://${req.headers.host}`, randomBytes(18).toString('base64')));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const file = resolveFile(url.pathname);
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      // `?optional`: a missing file is "no content" rather than an error the console reports.
      const body = await readFile(file).catch((e) => {
        if (url.searchParams.has('optional')) return undefined;
        throw e;
      });
      if (body === undefined) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 5178;
  const { url } = await startPreview({ port });
  console.log(`Panel preview at ${url}?theme=dark&fixture=gpt2-small (Ctrl+C to stop)`);
}
