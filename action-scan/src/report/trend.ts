/**
 * The score trend over an image family: earlier golden images (their `ami-bakery:cis-score` tags),
 * earlier JSON reports (input `history`, and the baseline), and this scan. Drawn as an inline SVG for
 * the HTML report and as a Mermaid `xychart-beta` for the job summary. Pure.
 */

import { imageTags, TAG } from '../../../shared/src/aws/tags.js';
import { parseDecimal } from '../../../shared/src/inputs.js';
import type { ScanReport } from './report.js';

export interface TrendPoint {
  /** ISO date-time the score was measured (report) or the image was created (golden image) */
  date: string;
  score: number;
  amiId?: string;
  /** where the point comes from */
  source: 'golden image' | 'report' | 'this scan';
  name?: string;
}

export function trendFromReports(
  reports: ReadonlyArray<Pick<ScanReport, 'generatedAt' | 'score' | 'amiId'>>,
): TrendPoint[] {
  return reports.map((r) => ({
    date: r.generatedAt,
    score: r.score,
    ...(r.amiId ? { amiId: r.amiId } : {}),
    source: 'report' as const,
  }));
}

/** Golden images with a numeric score tag (of `profile`, when given); the others (never scanned) are not points. */
export function trendFromImages(
  images: ReadonlyArray<{
    ImageId?: string;
    Name?: string;
    CreationDate?: string;
    Tags?: Array<{ Key?: string; Value?: string }>;
  }>,
  profile?: string,
): TrendPoint[] {
  const out: TrendPoint[] = [];
  for (const img of images) {
    const tags = imageTags(img);
    // a score of another profile is not comparable
    if (profile && tags[TAG.cisProfile] && tags[TAG.cisProfile] !== profile) continue;
    const score = parseDecimal(tags[TAG.cisScore] ?? '');
    if (score === undefined || score < 0 || score > 100 || !img.CreationDate) continue;
    out.push({
      date: img.CreationDate,
      score,
      source: 'golden image',
      ...(img.ImageId ? { amiId: img.ImageId } : {}),
      ...(img.Name ? { name: img.Name } : {}),
    });
  }
  return out;
}

/**
 * One point per image (a golden image's copies and reports about the same image count once; a golden
 * image's own tag wins), oldest first, the last `max - 1` before this scan, then this scan.
 */
export function mergeTrend(earlier: readonly TrendPoint[], current: TrendPoint, max = 20): TrendPoint[] {
  const byKey = new Map<string, TrendPoint>();
  const rank = (p: TrendPoint) => (p.source === 'golden image' ? 0 : 1);
  for (const p of earlier) {
    if (current.amiId && p.amiId === current.amiId) continue;
    const key = p.amiId ?? `${p.source}:${p.date}`;
    const had = byKey.get(key);
    if (!had || rank(p) < rank(had) || (rank(p) === rank(had) && p.date > had.date)) byKey.set(key, p);
  }
  const sorted = [...byKey.values()].sort((a, b) => a.date.localeCompare(b.date));
  return [...sorted.slice(-(max - 1)), current];
}

const short = (p: TrendPoint) => `${p.date.slice(5, 10)}${p.source === 'this scan' ? ' (this)' : ''}`;

/** The job summary's chart (GitHub renders Mermaid); undefined with fewer than two points. */
export function mermaidTrend(points: readonly TrendPoint[], title = 'Score by image'): string | undefined {
  if (points.length < 2) return undefined;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title.replace(/"/g, "'")}"`,
    `  x-axis [${points.map((p) => `"${short(p)}"`).join(', ')}]`,
    '  y-axis "score %" 0 --> 100',
    `  line [${points.map((p) => p.score).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Text for HTML (and inline SVG): the five characters that could end an element or attribute escaped. */
export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An inline SVG line chart of the scores (0–100 %), each point titled with its image and date. */
export function trendSvg(points: readonly TrendPoint[], width = 640, height = 200): string {
  const pad = { l: 40, r: 40, t: 12, b: 36 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b;
  const x = (i: number) => pad.l + (points.length === 1 ? w / 2 : (i * w) / (points.length - 1));
  const y = (s: number) => pad.t + h - (Math.max(0, Math.min(100, s)) * h) / 100;
  const grid = [0, 25, 50, 75, 100]
    .map(
      (v) =>
        `<line x1="${pad.l}" x2="${pad.l + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    )
    .join('');
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const dots = points
    .map(
      (p, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="4" class="${p.source === 'this scan' ? 'this' : 'dot'}" data-score="${p.score}"><title>${esc(
          `${p.score}% · ${p.amiId ?? ''} ${p.name ?? ''} · ${p.date.slice(0, 10)} (${p.source})`,
        )}</title></circle><text x="${x(i).toFixed(1)}" y="${height - pad.b + 16}" text-anchor="middle">${esc(short(p))}</text>`,
    )
    .join('');
  return `<svg class="trend" role="img" aria-label="Score trend" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${grid}<path d="${path}" class="line"/>${dots}</svg>`;
}
