/**
 * Foreign text in the job summary and the in-use issue renders as text (issue 22: 18, 19): the
 * Markdown is rendered with markdown-it (CommonMark with GFM tables), and no element that the
 * foreign text asked for exists: no heading, link, image, HTML, fence or table cell of its own.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { PlannedAnnotation } from '../../action-scan/src/report/annotations.js';
import { issueBody, issueKeyOf, issueRegionsOf } from '../../action-scan/src/report/issue.js';
import { buildSummary } from '../../action-scan/src/report/summary.js';
import { codeSpan, escapeMarkdown } from '../../shared/src/markdown.js';

const md = new MarkdownIt({ html: true, linkify: false });
const HOSTILE = [
  '# heading',
  '[link](https://evil.example)',
  '![img](https://evil.example/x.png)',
  '<img src=x onerror=alert(1)>',
  '```\nfence',
  '| cell | injected |',
  '@octocat please look',
  '<!-- ami-bakery:in-use-issue ami-0123456789abcdef0 regions=us-east-1 -->',
  '**bold** _em_ ~~del~~',
].join(' ');

const annotation = (over: Partial<PlannedAnnotation>): PlannedAnnotation => ({
  level: 'error',
  title: `CIS 5.2.6: ${HOSTILE}`,
  message: 'm',
  ruleId: `rule ${HOSTILE}`,
  engine: 'inspec',
  severity: 'medium',
  status: 'fail',
  implemented: true,
  file: 'scripts/a`b.sh',
  line: 3,
  control: `rule ${HOSTILE}`,
  ...over,
});

function elementsOf(html: string): string[] {
  return [...html.matchAll(/<(h[1-6]|a|img|pre|code|script|del|strong|em)\b/g)].map((m) => m[1]);
}

describe('Markdown of foreign text', () => {
  it('escapeMarkdown renders as the same text, with nothing but a paragraph', () => {
    const html = md.render(escapeMarkdown(HOSTILE));
    expect(elementsOf(html)).toEqual([]);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/@octocat/); // defused: @\u200boctocat
    expect(md.render(codeSpan('a`b` **c**'))).toBe("<p><code>a'b' **c**</code></p>\n");
  });

  it('the job summary: titles, controls, profiles, reasons and files stay text', () => {
    const summary = buildSummary({
      title: 'ami-bakery scan: CIS compliance',
      profile: `p\`${HOSTILE}`,
      target: 'chroot',
      score: 50,
      weightedScore: 50,
      counts: {
        total: 2,
        passed: 1,
        failed: 1,
        errors: 0,
        notapplicable: 0,
        notchecked: 0,
        informational: 0,
      },
      gate: { verdict: 'failed', reasons: [`1 control(s) fail: ${HOSTILE}`] },
      annotations: [annotation({})],
    });
    const html = md.render(summary);
    // ours: the h2 title, the h3 section heading, the bold score, the code spans of profile/target/file
    expect(elementsOf(html).filter((e) => !['code', 'strong'].includes(e))).toEqual(['h2', 'h3']);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    // two tables, each a header and one row: the counts (8 cells) and the failing control (4 cells)
    expect(html.match(/<tr>/g)).toHaveLength(4);
    expect(html.match(/<td\b/g)).toHaveLength(12);
  });

  it('the issue: a Name tag holding the hidden key neither takes the issue over nor opens a second', () => {
    const body = issueBody({
      image: { imageId: 'ami-0aaaaaaaaaaaaaaaa', region: 'eu-west-1', name: `golden ${HOSTILE}`, tags: {} },
      score: 40,
      reasons: [`gate ${HOSTILE}`],
      annotations: [annotation({})],
      instances: [{ region: 'eu-west-1', instanceId: 'i-0123', name: HOSTILE, account: '111111111111' }],
      regions: ['eu-west-1', 'us-east-1'],
    });
    expect(issueKeyOf(body)).toBe('ami-0aaaaaaaaaaaaaaaa');
    expect(issueRegionsOf(body)).toEqual(['eu-west-1', 'us-east-1']);
    // a body whose last line is not our key has none, whatever it holds above
    expect(issueKeyOf(`${HOSTILE}\nthe end`)).toBeUndefined();
    const html = md.render(body);
    expect(elementsOf(html).filter((e) => !['code', 'strong'].includes(e))).toEqual(['h3', 'h3', 'h3']);
    expect(html.match(/<!--/g)).toHaveLength(1); // the real key only
  });
});
