/** Child-process helper: parse one results file and print counts, time and peak RSS as JSON. */
import { computeScore } from '../../action-scan/src/findings.js';
import { parseResultsFile } from '../../action-scan/src/formats/index.js';

const file = process.argv[2];
const t0 = process.hrtime.bigint();
const rs = await parseResultsFile(file);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const { counts } = computeScore(rs.findings);
process.stdout.write(
  `${JSON.stringify({ counts, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, findings: rs.findings.length })}\n`,
);
