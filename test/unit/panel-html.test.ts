import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { contentSecurityPolicy, panelHtml } from '../../src/vscode/panel/panelHtml';
import { decodePngDataUrl } from '../../src/vscode/panel/pngData';

// webview.cspSource as VS Code 1.85 reports it for a local extension.
const CSP_SOURCE = 'https://*.vscode-cdn.net';

const input = (nonce = randomBytes(18).toString('base64')) => ({
  cspSource: CSP_SOURCE,
  nonce,
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicon.css',
});

describe('panel HTML', () => {
  it('has exactly the strict CSP: nothing by default, nonce-only scripts, no network', () => {
    const nonce = 'c2VjcmV0LW5vbmNlLTEyMzQ1Ng==';
    assert.equal(
      contentSecurityPolicy(CSP_SOURCE, nonce),
      `default-src 'none'; img-src ${CSP_SOURCE} data:; style-src ${CSP_SOURCE}; font-src ${CSP_SOURCE}; script-src 'nonce-${nonce}'`,
    );
    const html = panelHtml(input(nonce));
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${CSP_SOURCE} data:;`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|connect-src/);
  });

  it('loads one script, with the nonce, and no inline script or style', () => {
    const nonce = randomBytes(18).toString('base64');
    const html = panelHtml(input(nonce));
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${nonce}" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js">`]);
    assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/);
    assert.doesNotMatch(html, /<style|style="/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/codicon\.css">/);
  });

  it('refers to no external address', () => {
    const urls = panelHtml(input()).match(/https?:\/\/[^\s"';]+/g) ?? [];
    assert.ok(urls.length > 0);
    for (const u of urls) assert.match(u, /^https:\/\/(\*\.vscode-cdn\.net|file\+\.vscode-resource\.vscode-cdn\.net\/)/);
  });

  it('refuses a weak nonce and escapes the attributes it writes', () => {
    assert.throws(() => panelHtml(input('abc')), /nonce must be at least 16/);
    const html = panelHtml({ ...input(), scriptUri: 'https://x/"><img src=x onerror=alert(1)>' });
    assert.doesNotMatch(html, /<img/);
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  });
});

describe('chart PNG decoding', () => {
  it('accepts a PNG data URL and returns its bytes', () => {
    const bytes = decodePngDataUrl(
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    );
    // PNG signature (PNG specification §5.2), then the IHDR chunk of a 1×1 image.
    assert.deepEqual([...bytes!.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes!.length, 70);
  });

  it('rejects anything else', () => {
    assert.equal(decodePngDataUrl('data:image/png;base64,aGVsbG8gd29ybGQh'), undefined); // "hello world!"
    assert.equal(decodePngDataUrl('data:image/svg+xml;base64,PHN2Zz4='), undefined);
    assert.equal(decodePngDataUrl('data:image/png;base64,iVBORw0KGgo'), undefined); // not a multiple of 4
    assert.equal(decodePngDataUrl('data:image/png;base64,iVBO$w0KGgo='), undefined);
  });
});
