/**
 * SARIF 2.1.0 for github/codeql-action/upload-sarif: one rule per scanner rule, named by its control
 * (`CIS-5.3.1/accounts_password_pam_minlen`; checks without a CIS ID get `<engine>/<rule>`), so that
 * the rules of one control keep their own title and help; each result located at the hardening-script
 * line, with a partialFingerprint that is stable across runs (it does not include the line number).
 * The run's properties say which benchmark each side numbers by.
 */
import { createHash } from 'node:crypto';
import { shortRuleId } from '../../../shared/src/cis-map.js';
import type { ReportBenchmarks } from '../numbering.js';
import { fixedText, installedText, type Vulnerability } from '../vulns.js';
import { waivedText } from '../waivers.js';
import { fixLabel, offeredFix, type PlannedAnnotation } from './annotations.js';

const SECURITY_SEVERITY: Record<string, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
  unknown: '5.0',
};

export interface SarifOptions {
  toolVersion: string;
  /** Distinguishes this analysis from others in code scanning, e.g. the profile. */
  category: string;
  /** The content's benchmark and the code's, as the JSON report has them. */
  benchmarks?: ReportBenchmarks;
  /** The CVEs (one rule each), the ones that fail the gate, and the file they sit on (the template). */
  vulnerabilities?: { list: readonly Vulnerability[]; gating: ReadonlySet<Vulnerability>; file: string };
}

/** A reviewed waiver as SARIF: code scanning shows the result as dismissed, with the justification. */
function suppressedBy(w: { reason: string; owner: string; expires: string; file: string; line: number }) {
  return [
    {
      kind: 'external',
      status: 'accepted',
      justification: waivedText(w),
      location: {
        physicalLocation: {
          artifactLocation: { uri: w.file, uriBaseId: '%SRCROOT%' },
          region: { startLine: w.line },
        },
      },
    },
  ];
}

/**
 * One rule per CVE (its id), with security-severity from its CVSS score (else its severity), and one
 * result per active CVE on the template's first line: error when it fails the gate, warning when it
 * does not, suppressed (with the justification) when a waiver covers it.
 */
function vulnerabilityResults(
  v: NonNullable<SarifOptions['vulnerabilities']>,
  rules: Array<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const index = new Map<string, number>();
  for (const x of v.list) {
    if (x.status !== 'active') continue;
    if (!index.has(x.id)) {
      index.set(x.id, rules.length);
      const pk = x.packages.map(
        (p) => `${p.name} ${p.installed}${p.fixed ? ` (fixed in ${p.fixed})` : ' (no fix yet)'}`,
      );
      rules.push({
        id: x.id,
        name: x.id.replace(/[^A-Za-z0-9]/g, ''),
        shortDescription: { text: x.title || x.id },
        fullDescription: {
          text: `${x.id}, reported by Amazon Inspector in ${pk.join(', ') || 'the image'}.`,
        },
        help: {
          text: `${x.id} (${x.severity}${x.cvss !== undefined ? `, CVSS ${x.cvss}` : ''}) in ${pk.join(', ') || 'the image'}. ${x.fixable ? 'Rebuild the image with the fixed packages (OS updates at bake).' : 'No fixed version is known yet.'}`,
        },
        defaultConfiguration: { level: 'warning' },
        properties: {
          tags: ['security', 'vulnerability'],
          'security-severity':
            x.cvss !== undefined ? x.cvss.toFixed(1) : (SECURITY_SEVERITY[x.severity] ?? '5.0'),
        },
      });
    }
    const result: Record<string, unknown> = {
      ruleId: x.id,
      ruleIndex: index.get(x.id),
      level: v.gating.has(x) ? 'error' : 'warning',
      message: {
        text: `${x.id} (${x.severity}) in ${installedText(x) || 'the image'}: ${v.gating.has(x) ? 'fails the vulnerability gate' : x.fixable ? 'below the vulnerability gate' : 'no fixed version yet'}${fixedText(x) ? `; fixed in ${fixedText(x)}` : ''}`,
      },
      partialFingerprints: {
        'amiBakeryFinding/v1': createHash('sha256')
          .update(['vuln', x.id, ...x.packages.map((p) => p.name).sort()].join('\0'))
          .digest('hex'),
      },
      properties: {
        packages: x.packages,
        fixable: x.fixable,
        ...(x.isNew !== undefined ? { new: x.isNew } : {}),
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: v.file, uriBaseId: '%SRCROOT%' },
            region: { startLine: 1 },
          },
        },
      ],
    };
    if (x.waiver) result.suppressions = suppressedBy(x.waiver);
    out.push(result);
  }
  return out;
}

function ruleIdOf(a: PlannedAnnotation): string {
  const rule = shortRuleId(a.ruleId);
  if (a.cisId) return `CIS-${a.cisId}/${rule}`;
  if (a.control && /^(ANSSI|STIG) /.test(a.control)) return `${a.control.replace(/\s+/g, '-')}/${rule}`;
  return `${a.engine}/${rule}`;
}

const sarifLevel = (a: PlannedAnnotation) => (a.level === 'notice' ? 'note' : a.level);

/**
 * Code scanning rejects results with no location, so an annotation with no file (only possible when
 * there is no template, hardening file, repository results file or workflow file to place it on) is
 * left out; the JSON report still has it.
 */
export function buildSarif(annotations: readonly PlannedAnnotation[], opts: SarifOptions): object {
  const rules: Array<Record<string, unknown>> = [];
  const index = new Map<string, number>();
  const results = annotations
    .filter((a) => a.file)
    .map((a) => {
      const id = ruleIdOf(a);
      if (!index.has(id)) {
        index.set(id, rules.length);
        const name = a.title.replace(/^[^:]+: /, '').replace(/ \(not implemented\)$/, '');
        rules.push({
          id,
          name: id.replace(/[^A-Za-z0-9]/g, ''),
          shortDescription: { text: a.control ? `${a.control}: ${name}` : name },
          fullDescription: {
            text: a.cisId
              ? `CIS benchmark recommendation ${a.cisId}${a.translated ? ` of ${a.control?.replace(/^CIS \S+ \((.*)\)$/, '$1')} (${a.translated.from} in the scan content's numbering)` : ''}, checked by ${a.engine} rule ${a.ruleId}.`
              : `${a.engine} check ${a.ruleId}.`,
          },
          help: {
            text: `${a.message}${a.fix ? `\n${fixLabel(a)}:\n${a.fix}` : ''}`,
            markdown: `${a.message.replace(/\n/g, '  \n')}${a.fix ? `\n\n${fixLabel(a)}:\n\n\`\`\`\n${a.fix}\n\`\`\`` : ''}`,
          },
          defaultConfiguration: { level: sarifLevel(a) },
          properties: {
            tags: ['security', 'compliance', ...(a.cisId ? ['cis'] : [])],
            'security-severity': SECURITY_SEVERITY[a.severity] ?? '5.0',
          },
        });
      }
      const fingerprint = createHash('sha256')
        .update([id, a.engine, a.ruleId, a.file ?? ''].join('\0'))
        .digest('hex');
      const result: Record<string, unknown> = {
        ruleId: id,
        ruleIndex: index.get(id),
        level: sarifLevel(a),
        message: { text: `${a.title}\n${a.message}` },
        partialFingerprints: { 'amiBakeryFinding/v1': fingerprint },
        properties: {
          engineRuleId: a.ruleId,
          implemented: a.implemented,
          ...(a.failureClass ? { failureClass: a.failureClass, failureClassWhy: a.classWhy } : {}),
          ...(a.ratchet ? { ratchet: a.ratchet } : {}),
        },
      };
      // The remediation as a SARIF fix: inserted above the annotated line (under the control's marker
      // when the control is implemented there; the marker comes with it when it is not).
      if (offeredFix(a) && a.file && !a.waiver) {
        const line = a.line ?? 1;
        const text = a.implemented ? `${a.fix}\n` : `# ${a.control ?? a.ruleId}\n${a.fix}\n`;
        result.fixes = [
          {
            description: {
              text: `Suggested fix for ${a.control ?? a.ruleId} (${a.fixVerdict!.said})`,
            },
            artifactChanges: [
              {
                artifactLocation: { uri: a.file, uriBaseId: '%SRCROOT%' },
                replacements: [
                  {
                    deletedRegion: {
                      startLine: a.implemented ? (a.endLine ?? line) + 1 : line,
                      startColumn: 1,
                      endColumn: 1,
                    },
                    insertedContent: { text },
                  },
                ],
              },
            ],
          },
        ];
      }
      // A reviewed waiver: code scanning shows the result as dismissed, with the justification.
      if (a.waiver) result.suppressions = suppressedBy(a.waiver);
      result.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: a.file, uriBaseId: '%SRCROOT%' },
            region: { startLine: a.line ?? 1 },
          },
        },
      ];
      return result;
    });
  if (opts.vulnerabilities) results.push(...vulnerabilityResults(opts.vulnerabilities, rules));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ami-bakery',
            informationUri: 'https://github.com/ami-bakery/ami-bakery',
            version: opts.toolVersion,
            rules,
          },
        },
        automationDetails: { id: `ami-bakery/scan/${opts.category}/` },
        ...(opts.benchmarks ? { properties: { benchmarks: opts.benchmarks } } : {}),
        results,
      },
    ],
  };
}
