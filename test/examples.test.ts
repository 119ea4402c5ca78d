/**
 * examples/ubuntu-22.04-cis: the template, hardening scripts, Terraform environment and smoke spec a
 * new team copies. Checked with the real tools available here (sh, packer 1.6.6, terraform, the
 * ComplianceAsCode data stream); the AWS parts themselves run only in a real account.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadDatastreamRules } from '../action-scan/src/formats/index.js';
import { parseSpec } from '../action-verify/src/smoke/spec.js';
import { buildChangeMap } from '../shared/src/cis-map.js';
import { ROOT, tmpDir } from './helpers.js';

const EX = path.join(ROOT, 'examples/ubuntu-22.04-cis');
const DS = '/usr/share/xml/scap/ssg/content/ssg-ubuntu2204-ds.xml';
const scripts = fg.sync('scripts/hardening/*.sh', { cwd: EX }).sort();
const changeMap = () =>
  buildChangeMap(scripts.map((f) => ({ file: f, text: fs.readFileSync(path.join(EX, f), 'utf8') })));

describe('examples/ubuntu-22.04-cis hardening scripts', () => {
  it('implement at least 40 CIS controls, each change under a "# CIS x.y.z" comment', () => {
    const m = changeMap();
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    expect(m.byId.size).toBeGreaterThanOrEqual(40);
    // every script contributes, and each change points at a real line of its file
    for (const f of scripts) expect(m.changes.some((c) => c.file === f)).toBe(true);
    for (const c of m.changes) {
      const line = fs.readFileSync(path.join(EX, c.file), 'utf8').split('\n')[c.line - 1];
      expect(line).toMatch(/^# CIS /);
    }
  });

  it('use CIS IDs that the ComplianceAsCode Ubuntu 22.04 content references, so annotations can land', async () => {
    expect(fs.existsSync(DS), `${DS} (Debian package ssg-debderived) is needed`).toBe(true);
    const rules = await loadDatastreamRules(DS);
    const known = new Set([...rules.values()].flatMap((r) => r.cisIds));
    const unknown = [...changeMap().byId.keys()].filter((id) => !known.has(id));
    expect(unknown).toEqual([]);
  });

  it('are valid POSIX sh', () => {
    for (const f of [...scripts, 'scripts/os-update.sh', 'scripts/openscap-scan.sh']) {
      const r = spawnSync('sh', ['-n', path.join(EX, f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('examples/ubuntu-22.04-cis Packer template', () => {
  const template = path.join(EX, 'ubuntu-22.04-cis.pkr.hcl');

  it('is formatted, and its syntax is valid (Packer 1.6.6 here predates required_plugins, so that block is left out)', () => {
    const fmt = spawnSync('packer', ['fmt', '-check', template], { encoding: 'utf8' });
    expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
    const dir = tmpDir('ami-bakery-example-');
    const text = fs.readFileSync(template, 'utf8');
    const withoutPackerBlock = text.replace(/^packer \{[\s\S]*?^\}\n/m, '');
    expect(withoutPackerBlock).not.toContain('required_plugins');
    fs.writeFileSync(path.join(dir, 't.pkr.hcl'), withoutPackerBlock);
    const v = spawnSync('packer', ['validate', '-syntax-only', 't.pkr.hcl'], { cwd: dir, encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
  });

  it('builds encrypted, from a source AMI filter, into ami_regions, running every hardening script', () => {
    const text = fs.readFileSync(template, 'utf8');
    expect(text).toMatch(/source_ami_filter \{/);
    expect(text).toMatch(/encrypt_boot\s+= true/);
    expect(text).toMatch(/ami_regions\s+= var\.ami_regions/);
    for (const f of scripts) expect(text).toContain(`"${f}"`);
    for (const f of ['scripts/os-update.sh', 'scripts/openscap-scan.sh']) {
      expect(text).toContain(`"${f}"`);
      expect(fs.existsSync(path.join(EX, f))).toBe(true);
    }
  });
});

describe('examples/ubuntu-22.04-cis Terraform environment and smoke spec', () => {
  it('is formatted Terraform taking var.ami_id and giving instance_id and public_ip', () => {
    const r = spawnSync('terraform', ['fmt', '-check', '-diff', path.join(EX, 'terraform')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const tf = fs.readFileSync(path.join(EX, 'terraform/main.tf'), 'utf8');
    expect(tf).toMatch(/variable "ami_id"/);
    expect(tf).toMatch(/resource "aws_instance" "verify"[\s\S]*ami\s+= var\.ami_id/);
    expect(tf).toMatch(/output "instance_id"/);
    expect(tf).toMatch(/output "public_ip"/);
  });

  it('has a smoke spec that parses and uses only outputs the module declares', () => {
    const file = path.join(EX, 'smoke-tests.yml');
    const text = fs.readFileSync(file, 'utf8');
    const checks = parseSpec(text, file);
    expect(checks.map((c) => c.kind).sort()).toEqual(['command', 'command', 'command', 'http', 'tcp']);
    const tf = fs.readFileSync(path.join(EX, 'terraform/main.tf'), 'utf8');
    const used = [...text.matchAll(/\$\{\{\s*outputs\.(\w+)/g)].map((m) => m[1]);
    for (const o of new Set(used)) expect(tf).toContain(`output "${o}"`);
  });
});

describe('examples/debian-11-anssi: the second family (issue 25), on another OS and benchmark', () => {
  const DEB = path.join(ROOT, 'examples/debian-11-anssi');
  const DEB_DS = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml';
  const debScripts = fg.sync('scripts/hardening/*.sh', { cwd: DEB }).sort();
  const template = path.join(DEB, 'debian-11-anssi.pkr.hcl');

  it('has a formatted, valid template that runs every hardening script, from Debian’s own AMIs', () => {
    const fmt = spawnSync('packer', ['fmt', '-check', template], { encoding: 'utf8' });
    expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
    const dir = tmpDir('ami-bakery-example-');
    const text = fs.readFileSync(template, 'utf8');
    fs.writeFileSync(path.join(dir, 't.pkr.hcl'), text.replace(/^packer \{[\s\S]*?^\}\n/m, ''));
    const v = spawnSync('packer', ['validate', '-syntax-only', 't.pkr.hcl'], { cwd: dir, encoding: 'utf8' });
    expect(v.status, v.stdout + v.stderr).toBe(0);
    // Debian's AWS account, as 7 of 10 public Terraform lookups of debian-11-amd64-* use it
    expect(text).toMatch(/owners\s+= \["136693071363"\]/);
    for (const f of [...debScripts, 'scripts/os-update.sh']) {
      expect(text).toContain(`"${f}"`);
      const r = spawnSync('sh', ['-n', path.join(DEB, f)], { encoding: 'utf8' });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('marks each change with an ANSSI recommendation that a rule of the profile references in ssg-debian', async () => {
    expect(fs.existsSync(DEB_DS), `${DEB_DS} (Debian package ssg-debian) is needed`).toBe(true);
    const rules = await loadDatastreamRules(DEB_DS);
    const known = new Set([...rules.values()].flatMap((r) => (r.refs ?? []).map((x) => x.id)));
    const m = buildChangeMap(
      debScripts.map((f) => ({ file: f, text: fs.readFileSync(path.join(DEB, f), 'utf8') })),
    );
    const ids = m.changes.map((c) => c.cisId);
    expect(m.changes.every((c) => c.scheme === 'anssi')).toBe(true);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(8);
    expect(ids.filter((id) => !known.has(id))).toEqual([]);
  });

  it('has a smoke spec that parses, logging in as Debian’s admin user, and reviewed waivers', () => {
    const file = path.join(DEB, 'smoke-tests.yml');
    const checks = parseSpec(fs.readFileSync(file, 'utf8'), file);
    expect(
      checks.filter((c) => c.kind === 'command').every((c) => (c as { user?: string }).user === 'admin'),
    ).toBe(true);
    const waivers = fs.readFileSync(path.join(DEB, 'compliance/waivers.yml'), 'utf8');
    // 7 for the single-volume image and the other logger, 1 for cloud-init's NOPASSWD default user
    expect(waivers.match(/^ {2}- id: /gm)).toHaveLength(8);
    expect(waivers).toMatch(/- id: sudo_remove_nopasswd\n\s+reason: "ANSSI BP28\(R5\): cloud-init/);
  });
});

describe('the example fleet: images.yml, golden-fleet.yml and a test environment for both architectures', () => {
  const fleet = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/workflows/golden-fleet.yml'), 'utf8'));
  const golden = parseYaml(fs.readFileSync(path.join(ROOT, '.github/workflows/golden-ami.yml'), 'utf8'));
  const images = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/images.yml'), 'utf8'));

  it('calls golden-ami.yml per matrix entry with inputs it declares, one family failing never cancelling another', () => {
    const job = fleet.jobs.golden;
    expect(job.strategy['fail-fast']).toBe(false);
    expect(job.strategy.matrix.include).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    const declared = Object.keys(golden.on.workflow_call.inputs);
    for (const [k, v] of Object.entries(job.with as Record<string, string>)) {
      expect(declared).toContain(k);
      expect(v).toBe(`\${{ matrix.${k} }}`);
    }
    // every input: the plan sets each one per entry, so a key of images.yml the call did not pass
    // (kms-key-ids, fail-on-severity, …) would be dropped in silence, the family taking the default
    expect(Object.keys(job.with).sort()).toEqual([...declared].sort());
    // GitHub runs only the crons the workflow lists: each cron of images.yml is one of them
    const crons = fleet.on.schedule.map((s: { cron: string }) => s.cron).sort();
    const planned = [images.defaults, ...Object.values(images.families)].flatMap((f) =>
      ['schedule', 'rescan-schedule'].flatMap((k) => [(f as Record<string, unknown>)[k] ?? []].flat()),
    );
    expect([...new Set(planned)].sort()).toEqual(crons);
  });

  it('the test environment runs each AMI on an instance type of its own architecture', () => {
    const tf = fs.readFileSync(path.join(EX, 'terraform/main.tf'), 'utf8');
    expect(tf).toMatch(/data "aws_ami" "under_test"[\s\S]*values = \[var\.ami_id\]/);
    expect(tf).toMatch(/x86_64 = "t3\.small"\s+arm64\s+= "t4g\.small"/);
    expect(tf).toMatch(/lookup\(var\.instance_types, data\.aws_ami\.under_test\.architecture, ""\)/);
    expect(tf).toMatch(/instance_type\s+= local\.instance_type/);
    expect(tf).toMatch(/precondition \{\s+condition\s+= local\.instance_type != ""/);
  });
});
