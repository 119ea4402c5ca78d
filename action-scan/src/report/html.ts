/**
 * The HTML report (input `report-html`): one self-contained file an auditor can open with no network
 * (a Content-Security-Policy forbids any fetch): score and gate, the trend over the image family, a
 * filterable table of failing, waived and fixed controls, and each hardening file with its failing
 * controls inline at their lines, like a pull request's files view. Filters live in the URL's hash
 * (`#status=waived&q=ssh`), so a link opens the same view. Pure: everything comes in as data.
 */
import { createHash } from 'node:crypto';
import type { PlannedAnnotation } from './annotations.js';
import type { BaselineDiff, ReportFinding, ScanReport } from './report.js';
import { esc, type TrendPoint, trendSvg } from './trend.js';

export interface HtmlReportInput {
  title: string;
  report: ScanReport;
  gate: { verdict: 'passed' | 'failed' | 'ungated'; reasons: string[] };
  annotations: readonly PlannedAnnotation[];
  diff?: BaselineDiff;
  trend: readonly TrendPoint[];
  /** the hardening files (repository path and text) */
  files: ReadonlyArray<{ path: string; text: string }>;
  /** waiver problems and other lines worth showing under the score */
  notes?: readonly string[];
}

type RowStatus = 'failing' | 'waived' | 'fixed';

interface Row {
  status: RowStatus;
  finding: ReportFinding;
  fix?: string;
}

const controlOf = (f: ReportFinding) =>
  f.cisIds.length ? `CIS ${f.cisIds.join(', ')}` : f.ruleId.replace(/^xccdf_[^_]+_rule_/, '');

function rowsOf(input: HtmlReportInput): Row[] {
  const fixes = new Map(
    input.annotations.filter((a) => a.fix).map((a) => [`${a.engine}:${a.ruleId}`, a.fix!]),
  );
  const rows: Row[] = [];
  for (const f of input.report.findings) {
    if (f.status !== 'fail' && f.status !== 'error') continue;
    rows.push({
      status: f.waiver ? 'waived' : 'failing',
      finding: f,
      fix: fixes.get(`${f.engine}:${f.ruleId}`),
    });
  }
  for (const f of input.diff?.fixed ?? []) rows.push({ status: 'fixed', finding: f });
  // what the code claims and fails first, then the rest failing, then waived, then fixed
  const rank = (r: Row) =>
    r.status === 'failing' ? (r.finding.location ? 0 : 1) : r.status === 'waived' ? 2 : 3;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map((x) => x.r);
}

function details(r: Row): string {
  const f = r.finding;
  const parts: string[] = [];
  if (f.waiver)
    parts.push(
      `<p class="waiver">Waived until ${esc(f.waiver.expires)} by ${esc(f.waiver.owner)}: ${esc(f.waiver.reason)} <span class="where">(${esc(f.waiver.file)}:${esc(String(f.waiver.line))})</span></p>`,
    );
  if (f.expected) parts.push(`<p><b>Expected:</b> ${esc(f.expected)}</p>`);
  if (f.found) parts.push(`<p><b>Found:</b> ${esc(f.found)}</p>`);
  if (r.status === 'fixed') parts.push('<p>Failed in the baseline, passes now.</p>');
  if (r.fix)
    parts.push(`<details><summary>Suggested fix</summary><pre class="fix">${esc(r.fix)}</pre></details>`);
  return parts.join('');
}

function table(rows: readonly Row[]): string {
  const body = rows
    .map((r) => {
      const f = r.finding;
      const where = f.location
        ? `<code>${esc(f.location)}</code>`
        : '<span class="muted">not implemented</span>';
      return `<tr class="row" data-status="${r.status}" data-severity="${esc(f.severity)}" data-implemented="${f.location ? 'yes' : 'no'}" data-rule="${esc(f.ruleId)}"><td><span class="badge ${r.status}">${r.status}</span></td><td class="control">${esc(controlOf(f))}</td><td>${esc(f.title)}</td><td>${esc(f.severity)}</td><td>${where}</td><td>${details(r)}</td></tr>`;
    })
    .join('\n');
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  return `<section id="controls"><h2>Controls</h2>
<form id="filters">
${(['failing', 'waived', 'fixed'] as const)
  .map(
    (s) =>
      `<label><input type="checkbox" name="status" value="${s}" checked> ${s} (<span id="count-${s}">${count(s)}</span>)</label>`,
  )
  .join(' ')}
<label>severity <select name="severity"><option value="">any</option><option>high</option><option>medium</option><option>low</option><option>unknown</option></select></label>
<label><input type="checkbox" name="implemented"> implemented only</label>
<label>search <input type="search" name="q" placeholder="CIS id, rule, title"></label>
<span id="shown"></span>
</form>
<table class="controls"><colgroup><col style="width:80px"><col style="width:100px"><col style="width:24%"><col style="width:70px"><col style="width:20%"><col></colgroup><thead><tr><th>Status</th><th>Control</th><th>Title</th><th>Severity</th><th>Where</th><th>Details</th></tr></thead>
<tbody>
${body}
</tbody></table></section>`;
}

/** Each hardening file with its line numbers, and the scanned controls marked on it shown under their line. */
function filesView(input: HtmlReportInput, rows: readonly Row[]): string {
  const at = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.status === 'fixed' || !r.finding.location) continue;
    const list = at.get(r.finding.location) ?? [];
    list.push(r);
    at.set(r.finding.location, list);
  }
  const sections = input.files.map(({ path, text }) => {
    const lines = text.replace(/\n$/, '').split('\n');
    let failing = 0;
    const body = lines
      .map((l, i) => {
        const here = at.get(`${path}:${i + 1}`) ?? [];
        failing += here.filter((r) => r.status === 'failing').length;
        const notes = here
          .map(
            (r) =>
              `<tr class="inline ${r.status}" data-line="${i + 1}"><td></td><td><div class="comment"><span class="badge ${r.status}">${r.status}</span> <b>${esc(controlOf(r.finding))}</b> ${esc(r.finding.title)}${details(r)}</div></td></tr>`,
          )
          .join('');
        return `<tr class="code${here.length ? ' marked' : ''}" id="${esc(path)}:${i + 1}"><td class="ln">${i + 1}</td><td><pre>${esc(l)}</pre></td></tr>${notes}`;
      })
      .join('\n');
    return `<details class="file" open data-path="${esc(path)}"><summary><code>${esc(path)}</code> <span class="muted">${failing} failing control(s)</span></summary><table class="source">${body}</table></details>`;
  });
  return `<section id="files"><h2>Hardening files</h2>${sections.join('\n') || '<p class="muted">No hardening files were given (input hardening-scripts).</p>'}</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header,section{padding:12px 24px}header{border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.score{font-size:32px;font-weight:600}.gate{font-weight:600;padding:2px 8px;border-radius:12px;margin-left:8px}
.gate.passed{background:#dafbe1;color:#1a7f37}.gate.failed{background:#ffebe9;color:#cf222e}.gate.ungated{background:#fff8c5;color:#9a6700}
.counts td,.counts th{padding:2px 10px;text-align:right}.muted,.where{color:#59636e}
table{border-collapse:collapse;width:100%}table.controls{table-layout:fixed}td{overflow-wrap:anywhere}th,td{text-align:left;vertical-align:top;padding:4px 6px;border-bottom:1px solid #eaeef2}
.badge{display:inline-block;font-size:12px;padding:0 6px;border-radius:10px;border:1px solid}
.badge.failing{color:#cf222e;border-color:#cf222e}.badge.waived{color:#59636e;border-color:#8c959f}.badge.fixed{color:#1a7f37;border-color:#1a7f37}
#filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.source{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;border:1px solid #d0d7de}
.source td{border:0;padding:0 8px}.source pre{margin:0;white-space:pre-wrap}.ln{color:#8c959f;text-align:right;width:1%;user-select:none}
tr.marked{background:#fff8c5}.comment{font:14px system-ui,sans-serif;border:1px solid #d0d7de;border-left:4px solid #cf222e;border-radius:6px;margin:4px 0 8px;padding:6px 10px;background:#fff}
tr.inline.waived .comment{border-left-color:#8c959f}pre.fix{background:#f6f8fa;padding:8px;overflow:auto;max-height:300px}
details.file{margin:10px 0}summary{cursor:pointer}
svg.trend text{font-size:11px;fill:#59636e}svg.trend .grid{stroke:#eaeef2}svg.trend .line{fill:none;stroke:#0969da;stroke-width:2}
svg.trend .dot{fill:#0969da}svg.trend .this{fill:#cf222e}
`;

/** Filters from the form to the rows and the hash, and from the hash on load. */
const SCRIPT = `
(function(){
var form=document.getElementById('filters');if(!form)return;
function fromHash(){var h=new URLSearchParams(location.hash.slice(1));
 if(h.has('status')){var s=h.get('status').split(',');form.querySelectorAll('[name=status]').forEach(function(c){c.checked=s.indexOf(c.value)>=0;});}
 if(h.has('severity'))form.severity.value=h.get('severity');
 if(h.has('q'))form.q.value=h.get('q');
 form.implemented.checked=h.get('implemented')==='yes';}
function apply(write){var st=[];form.querySelectorAll('[name=status]:checked').forEach(function(c){st.push(c.value);});
 var sev=form.severity.value,q=form.q.value.trim().toLowerCase(),impl=form.implemented.checked,n=0,rows=document.querySelectorAll('tr.row');
 rows.forEach(function(r){var ok=st.indexOf(r.dataset.status)>=0&&(!sev||r.dataset.severity===sev)&&(!impl||r.dataset.implemented==='yes')&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
  r.hidden=!ok;if(ok)n++;});
 document.getElementById('shown').textContent='showing '+n+' of '+rows.length;
 if(write){var h=new URLSearchParams();h.set('status',st.join(','));if(sev)h.set('severity',sev);if(q)h.set('q',q);if(impl)h.set('implemented','yes');history.replaceState(null,'','#'+h.toString());}}
form.addEventListener('submit',function(e){e.preventDefault();});
fromHash();apply(false);form.addEventListener('input',function(){apply(true);});window.addEventListener('hashchange',function(){fromHash();apply(false);});
})();
`;

/**
 * The CSP admits the report's own script by its hash, and nothing else: no inline handler, no
 * injected <script>, even if foreign text were ever written unescaped.
 */
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

/** report-html: the path given, else next to the JSON report; `none`: no HTML report. */
export function htmlReportPath(given: string, reportFile: string): string {
  if (given === 'none') return '';
  if (given) return given;
  return reportFile ? `${reportFile.replace(/\.json$/i, '')}.html` : '';
}

export function buildHtmlReport(input: HtmlReportInput): string {
  const r = input.report;
  const c = r.counts;
  const rows = rowsOf(input);
  const verdict = input.gate.verdict;
  const head = `<header>
<h1>${esc(input.title)}</h1>
<div><span class="score" id="score">${r.score}%</span> <span class="muted">severity-weighted ${r.weightedScore}%</span>
<span class="gate ${verdict}" id="gate">${verdict === 'passed' ? 'gate passed' : verdict === 'failed' ? 'gate failed' : 'no gate (ungated)'}</span></div>
<ul id="gate-reasons">${input.gate.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
${(input.notes ?? []).map((n) => `<p>${esc(n)}</p>`).join('')}
<p class="muted">${r.amiId ? `Image <code>${esc(r.amiId)}</code> · ` : ''}profile <code>${esc(r.profile ?? '-')}</code> · target <code>${esc(r.target ?? '-')}</code> · generated ${esc(r.generatedAt)}</p>
<table class="counts" id="counts" style="width:auto"><tr><th>passed</th><th>failed</th><th>waived</th><th>errors</th><th>not applicable</th><th>not checked</th><th>total</th></tr>
<tr><td data-count="passed">${c.passed}</td><td data-count="failed">${c.failed}</td><td data-count="waived">${c.waived ?? 0}</td><td data-count="errors">${c.errors}</td><td data-count="notapplicable">${c.notapplicable}</td><td data-count="notchecked">${c.notchecked}</td><td data-count="total">${c.total}</td></tr></table>
<p class="muted">Score = passed / (passed + failed); waived controls count neither.${input.diff ? ` Baseline ${input.diff.baselineScore}% (${input.diff.scoreDelta >= 0 ? '+' : ''}${input.diff.scoreDelta}): ${input.diff.newFailures.length} new failure(s), ${input.diff.fixed.length} fixed.` : ''}</p>
</header>`;
  const trend = input.trend.length
    ? `<section id="trend"><h2>Score trend</h2>${trendSvg(input.trend)}<p class="muted">${input.trend.length} point(s): earlier golden images of the family (tag ami-bakery:cis-score) and reports, then this scan (red).</p></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(input.title)} — ${r.score}%</title><style>${STYLE}</style></head>
<body>
${head}
${trend}
${table(rows)}
${filesView(input, rows)}
<script>${SCRIPT}</script>
</body></html>
`;
}
