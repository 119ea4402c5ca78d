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
