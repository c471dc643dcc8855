import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelReport } from '../../src/core/report';
import { CSV_COLUMNS, csvCell, escapeMarkdown, reportToCsv, reportToJson, reportToMarkdown, safeFileStem } from '../../src/shared/exportReport';

const load = (name: string): ModelReport => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'reports', name), 'utf8'));

/** Splits RFC 4180 CSV text into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('report export', () => {
  it('writes the layer table as CSV with exact numbers', () => {
    const report = load('mlp-mnist.json');
    const rows = parseCsv(reportToCsv(report));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length, 1 + report.layers.length);
    const fc1 = rows.find((r) => r[0] === 'encoder.0')!;
    // nn.Linear(784, 256): 784·256 + 256 = 200,960 parameters (torch); output [8, 256].
    assert.deepEqual(fc1.slice(0, 8), ['encoder.0', '0', 'Linear', '2', '9', '8x256', '200960', '200960']);
    const root = rows[1];
    assert.equal(root[6], '235402');
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell(-5), '-5');
    assert.equal(csvCell(undefined), '');
    const report = load('mlp-mnist.json');
    report.layers[1].name = '=cmd|"/c calc"!A1';
    const row = parseCsv(reportToCsv(report))[2];
    assert.equal(row[1], `'=cmd|"/c calc"!A1`);
  });

  it('writes Markdown with the summary, memory, fit and layer tables', () => {
    const md = reportToMarkdown(load('gpt2-small.json'));
    assert.ok(md.startsWith('# GPT\n\npytorch class, line 81. Mode train, batch 8, sequence 1,024, bf16-mixed, adamw, input [8, 1024].\n'));
    // GPT-2 small: 124,439,808 parameters (published count).
    assert.ok(md.includes('| Parameters | 124,439,808 (124.4M) |'));
    assert.ok(md.includes('| Optimizer state | 995.5 MB | 0 B |'));
    assert.ok(md.includes('| NVIDIA GeForce GTX 1650 | does-not-fit | 6.2 GB | 3.9 GB | 2 |'));
    assert.ok(md.includes('1. Lower the batch size to 2: saves 2.8 GB, needs 3.4 GB (fits alone); fewer samples per step (use gradient accumulation)'));
    assert.ok(md.includes('| &nbsp;&nbsp;&nbsp;&nbsp;transformer.wte | Embedding | [8, 1024, 768] | 38,597,376 | 0 | 65.5 kB |'));
    assert.ok(md.includes('| GGUF Q4_K | 70.0 MB (66.8 MiB) | 4.50 |'));
    assert.ok(md.includes('## Findings\n\n- warning (line 96): could not evaluate \\`self.apply(self.\\_init\\_weights)\\`: initialisation is ignored'));
  });

  it('escapes user-derived text in Markdown so it cannot become HTML or break a table', () => {
    assert.equal(escapeMarkdown('<img src=x onerror=alert(1)>'), '\\<img src=x onerror=alert(1)\\>');
    assert.equal(escapeMarkdown('a|b'), 'a\\|b');
    assert.equal(escapeMarkdown('[click](javascript:alert(1))'), '\\[click\\](javascript:alert(1))');
    assert.equal(escapeMarkdown('line\nbreak'), 'line break');
    const report = load('mlp-mnist.json');
    report.name = '<script>alert(1)</script>';
    const md = reportToMarkdown(report);
    assert.ok(md.startsWith('# \\<script\\>alert(1)\\</script\\>\n'));
    assert.doesNotMatch(md, /<script>/);
  });

  it('writes the whole report as JSON', () => {
    const report = load('gpt2-small.json');
    assert.deepEqual(JSON.parse(reportToJson(report)), report);
  });

  it('makes safe file names from model names', () => {
    assert.equal(safeFileStem('GPT'), 'GPT');
    assert.equal(safeFileStem('../../etc/passwd'), 'etc_passwd');
    assert.equal(safeFileStem('<img src=x>'), 'img_src_x_');
    assert.equal(safeFileStem('...'), 'model');
    assert.equal(safeFileStem('x'.repeat(200)).length, 80);
  });
});
