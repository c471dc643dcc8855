// The printed table: every figure of the results, with the goals next to them.

const ms = (x) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(x >= 10 ? 1 : 2)} ms`);
const kb = (b) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const signedMib = (b) => `${b >= 0 ? '+' : '-'}${(Math.abs(b) / 1024 / 1024).toFixed(2)} MiB`;

function grid(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function section(title) {
  return `\n== ${title} ${'='.repeat(Math.max(0, 74 - title.length))}`;
}

function verdict(ok) {
  return ok === undefined ? '' : ok ? 'met' : 'MISSED';
}

/** Each goal of issue 10 with its figure: wall time (what a user waits) and, where there is one, CPU time (what load on the machine does not inflate). */
export function goals(r) {
  const list = [];
  const e = r.engine;
  const both = (wall, cpu) => (cpu === undefined || cpu === null ? ms(wall) : `${ms(wall)} (cpu ${ms(cpu)})`);
  if (e) {
    const docs = [...e.documents, e.synthetic.large, e.synthetic.typical];
    const within = docs.filter((d) => d.ratioToParse <= 3).length;
    list.push({ goal: 'analysis <= 3x tree-sitter parse', value: `${within}/${docs.length} documents (median ratio ${median(docs.map((d) => d.ratioToParse)).toFixed(1)}x)`, ok: within === docs.length });
    const t = e.synthetic.typical;
    list.push({ goal: 'typical 300-line file < 10 ms warm, new text', value: both(t.analysisMs.median, t.analysisCpuMs?.median), ok: t.analysisMs.median < 10, okCpu: t.analysisCpuMs ? t.analysisCpuMs.median < 10 : undefined });
    const ti = e.incrementalTypical;
    if (ti) list.push({ goal: 'typical 300-line file < 10 ms warm, after an edit', value: both(ti.reanalysisMs.median, ti.reanalysisCpuMs?.median), ok: ti.reanalysisMs.median < 10, okCpu: ti.reanalysisCpuMs ? ti.reanalysisCpuMs.median < 10 : undefined });
  }
  for (const c of r.comparison?.rows ?? []) {
    list.push({ goal: `whole-process CLI < 300 ms (${c.style})`, value: both(c.cli.wallMs.median, c.cli.cpuMs?.median), ok: c.cli.wallMs.median < 300, okCpu: c.cli.cpuMs ? c.cli.cpuMs.median < 300 : undefined });
    if (c.speedup !== undefined) {
      list.push({
        goal: `>= 20x faster than torch (${c.style})`,
        value: `${c.speedup}x${c.cpuSpeedup !== undefined ? ` (cpu ${c.cpuSpeedup}x)` : ''}, params ${c.paramsEqual ? 'equal' : 'DIFFER'}`,
        ok: c.speedup >= 20 && c.paramsEqual,
        okCpu: c.cpuSpeedup !== undefined ? c.cpuSpeedup >= 20 && c.paramsEqual : undefined,
      });
    }
  }
  const x = r.extensionHost;
  if (x && !x.skipped) {
    list.push({ goal: 'activation < 50 ms', value: ms(x.activation.activateWallMs.median), ok: x.activation.activateWallMs.median < 50 });
    for (const h of x.hover) {
      list.push({ goal: `hover, unchanged document < 20 ms (${h.file})`, value: h.hoverAvailable ? ms(h.unchangedMs.median) : 'no hover', ok: h.hoverAvailable ? h.unchangedMs.median < 20 : false });
    }
  }
  return list;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function renderTable(r) {
  const out = [];
  const m = r.machine;
  out.push(`Model Resource Profiler benchmark, ${r.date}`);
  out.push(`machine: ${m.cores}-core ${m.arch} (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average ${r.load.start} at start, ${r.load.end} at end`);

  if (r.coldStart) {
    const c = r.coldStart;
    out.push(section(`Cold start (new process each run, ${c.runs} runs, ${c.document})`));
    out.push(
      grid(
        ['step', 'median', 'p95'],
        [
          ['process start -> engine code loaded', ms(c.processStartToEngineLoadedMs.median), ms(c.processStartToEngineLoadedMs.p95)],
          ['parser init (wasm load)', ms(c.parserInitMs.median), ms(c.parserInitMs.p95)],
          ['first analysis', ms(c.firstAnalysisMs.median), ms(c.firstAnalysisMs.p95)],
          ['whole process', ms(c.processWallMs.median), ms(c.processWallMs.p95)],
          ['whole process, cpu', ms(c.processCpuMs?.median), ms(c.processCpuMs?.p95)],
        ],
      ),
    );
  }

  const e = r.engine;
  if (e) {
    out.push(section(`Warm analysis per document (caches emptied before each run; ${e.runs.documents} runs)`));
    const row = (d) => [
      d.name,
      d.lines,
      d.models,
      ms(d.parseCpuMs?.median),
      ms(d.analysisCpuMs?.median),
      ms(d.analysisMs.median),
      ms(d.analysisMs.p95),
      ms(d.cachedMs.median),
      Math.round(d.bytesPerMs),
      `${d.ratioToParse.toFixed(1)}x`,
    ];
    const docs = [...e.documents, e.synthetic.typical, e.synthetic.large];
    out.push('cpu: CPU time of the parse and of the analysis; wall: the analysis in wall time (median, p95); cached: the same text again; vs parse: cpu analysis / cpu parse');
    out.push(grid(['document', 'lines', 'models', 'parse cpu', 'analysis cpu', 'wall', 'wall p95', 'cached', 'bytes/ms', 'vs parse'], docs.map(row)));
    out.push(
      `all ${docs.length} documents: analysis median ${ms(median(docs.map((d) => d.analysisCpuMs?.median ?? d.analysisMs.median)))} cpu, ratio to parse median ${median(docs.map((d) => d.ratioToParse)).toFixed(1)}x`,
    );

    for (const i of [e.incremental, e.incrementalTypical].filter(Boolean)) {
      out.push(section(`Incremental re-analysis (${i.name}, ${i.lines} lines, ${i.models} models)`));
      out.push(
        grid(
          ['what', 'median', 'p95', 'cpu'],
          [
            ['tree-sitter parse of the file', ms(i.parseMs.median), ms(i.parseMs.p95), '-'],
            ['full analysis (caches emptied)', ms(i.fullAnalysisMs.median), ms(i.fullAnalysisMs.p95), ms(i.fullAnalysisCpuMs?.median)],
            ['after typing one character', ms(i.reanalysisMs.median), ms(i.reanalysisMs.p95), ms(i.reanalysisCpuMs?.median)],
          ],
        ),
      );
      out.push(`${i.edit}; ${i.speedup}x faster than a full analysis`);
    }

    const est = e.estimation;
    out.push(section(`Estimation per model (engine alone, ${est.models} models of the corpus)`));
    const slow = [...est.rows].sort((a, b) => b.ms.median - a.ms.median).slice(0, 5);
    out.push(`per model: median ${ms(est.perModelMs.median)}, p95 ${ms(est.perModelMs.p95)}, max ${ms(est.perModelMs.max)}; slowest:`);
    out.push(grid(['model', 'layers', 'median', 'p95'], slow.map((s) => [`${s.model} (${s.document})`, s.layers, ms(s.ms.median), ms(s.ms.p95)])));

    const mem = e.memory;
    out.push(section('Memory'));
    out.push(
      grid(
        ['what', 'heap used', 'external', 'rss'],
        [
          ['after analysing the corpus', mib(mem.afterCorpus.heapUsed), mib(mem.afterCorpus.external), mib(mem.afterCorpus.rss)],
          [`before ${mem.leak.iterations} re-analyses`, mib(mem.leak.before.heapUsed), mib(mem.leak.before.external), mib(mem.leak.before.rss)],
          [`after ${mem.leak.iterations} re-analyses`, mib(mem.leak.after.heapUsed), mib(mem.leak.after.external), mib(mem.leak.after.rss)],
          ['growth', signedMib(mem.leak.heapGrowthBytes), signedMib(mem.leak.externalGrowthBytes), signedMib(mem.leak.rssGrowthBytes)],
        ],
      ),
    );
    out.push(`${mem.leak.document}, a new version each time: ${ms(mem.leak.meanAnalysisMs)} per re-analysis`);
  }

  if (r.sizes) {
    out.push(section('Bundle sizes (production build, as packaged)'));
    out.push(grid(['file', 'bytes', 'gzip'], Object.entries(r.sizes).map(([k, v]) => [k, kb(v.bytes), v.gzipBytes ? kb(v.gzipBytes) : '-'])));
  }

  if (r.comparison) {
    const c = r.comparison;
    out.push(section(`model-profiler vs Python + torch ${c.torch ?? '(not available)'} (whole processes)`));
    if (c.skipped) out.push(`Python comparison left out: ${c.skipped}`);
    out.push(
      grid(
        ['model', 'model-profiler', 'p95', 'cpu', '--no-detect', 'python+torch', 'cpu', 'speedup', 'cpu', 'params (ours / torch)'],
        c.rows.map((x) => [
          `${x.model} (${x.style})`,
          ms(x.cli.wallMs.median),
          ms(x.cli.wallMs.p95),
          ms(x.cli.cpuMs?.median),
          ms(x.cliNoDetect.wallMs.median),
          x.python ? ms(x.python.wallMs.median) : '-',
          x.python ? ms(x.python.cpuMs?.median) : '-',
          x.speedup !== undefined ? `${x.speedup}x` : '-',
          x.cpuSpeedup !== undefined ? `${x.cpuSpeedup}x` : '-',
          `${x.cli.params?.toLocaleString('en-US')} / ${x.python?.params?.toLocaleString('en-US') ?? '-'}${x.python ? (x.paramsEqual ? ' equal' : ' DIFFER') : ''}`,
        ]),
      ),
    );
  }

  const x = r.extensionHost;
  if (x) {
    out.push(section(`Extension host (code-server, VS Code ${x.vscodeVersion ?? '?'}, ${x.sessions ?? 0} sessions)`));
    if (x.skipped) out.push(`left out: ${x.skipped}`);
    else {
      out.push(`activation: Extension.activate() ${ms(x.activation.activateWallMs.median)} (bundle load + activate), activate() body ${ms(x.activation.activateBodyMs.median)}`);
      out.push(
        grid(
          ['document', 'first hover', 'hover unchanged', 'hover after edit'],
          x.hover.map((h) => (h.hoverAvailable ? [`${h.file} (${h.model})`, ms(h.firstHoverMs.median), ms(h.unchangedMs.median), ms(h.editedMs.median)] : [`${h.file} (${h.model})`, 'no hover', '-', '-'])),
        ),
      );
      for (const h of x.hover) if (h.sessionsWithoutHover > 0) out.push(`${h.file}: no hover in ${h.sessionsWithoutHover} of ${x.sessions} sessions (${h.notes.join('; ')})`);
    }
  }

  out.push(section('Goals'));
  out.push(grid(['goal', 'measured', 'wall', 'cpu'], goals(r).map((g) => [g.goal, g.value, verdict(g.ok), verdict(g.okCpu)])));
  out.push('wall: the time a user waits, inflated by other work on the machine; cpu: user + system time of our process.');
  return out.join('\n') + '\n';
}
