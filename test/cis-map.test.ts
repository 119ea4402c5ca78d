import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildChangeMap,
  compareCisIds,
  loadChangeMap,
  locate,
  parseCisReferences,
} from '../shared/src/cis-map.js';
import { tmpDir } from './helpers.js';

const ids = (text: string) => parseCisReferences(text, 'x.sh').map((r) => `${r.line}:${r.cisId}`);

describe('CIS change map parsing', () => {
  it('reads the comment forms the issue lists', () => {
    expect(ids('# CIS 5.2.5')).toEqual(['1:5.2.5']);
    expect(ids('## CIS 14.04 v2.1.0 change 5.3.3')).toEqual(['1:5.3.3']);
    expect(ids('# CIS Ubuntu 22.04 v1.0.0 5.2.5')).toEqual(['1:5.2.5']);
    expect(ids('# CIS Ubuntu 22.04 v1.0.0 change 5.2.5')).toEqual(['1:5.2.5']);
    expect(ids('# CIS Ubuntu 22.04 5.4.1 Ensure password creation requirements')).toEqual(['1:5.4.1']);
    expect(ids('# CIS Amazon Linux 2 v2.0.0 1.2.3')).toEqual(['1:1.2.3']);
    expect(ids('// CIS 1.1.1.1')).toEqual(['1:1.1.1.1']);
  });

  it('reads several IDs on one line, and sibling ranges', () => {
    expect(ids('# CIS 5.2.10, 5.2.11: no empty passwords')).toEqual(['1:5.2.10', '1:5.2.11']);
    expect(ids('# CIS 1.1.1.1, 1.1.1.2 and 1.1.1.3 - Ensure ...')).toEqual([
      '1:1.1.1.1',
      '1:1.1.1.2',
      '1:1.1.1.3',
    ]);
    expect(ids('# CIS 1.1.1.1-1.1.1.3')).toEqual(['1:1.1.1.1', '1:1.1.1.2', '1:1.1.1.3']);
  });

  it('reads ansible-lockdown task names', () => {
    const yml = [
      '---',
      '- name: "5.2.5 | PATCH | Ensure SSH LogLevel is appropriate"',
      '  ansible.builtin.lineinfile:',
      "- name: 'SCORED | 1.1.1.1 | PATCH | Ensure mounting of cramfs filesystems is disabled'",
      '  name: "4.1.3.1 | 4.1.3.2 | PATCH | Ensure changes are collected"',
      '  name: "4.1.3.3 | 4.1.3.4 | AUDIT | Ensure changes are collected"',
    ].join('\n');
    // only the leading id is the control (4.1.3.2 is prose there); an AUDIT task implements nothing
    expect(ids(yml)).toEqual(['2:5.2.5', '4:1.1.1.1', '5:4.1.3.1']);
  });

  it('ignores CIS outside comments, prose without IDs and version numbers alone', () => {
    expect(ids('echo "CIS 9.9 done"')).toEqual([]);
    expect(ids('# The CIS benchmark is long')).toEqual([]);
    expect(ids('# CIS Ubuntu 22.04 v1.0.0')).toEqual([]);
    expect(ids('url=http://example.com//CIS 1.2')).toEqual([]);
    expect(ids('- name: install packages | apt')).toEqual([]);
    expect(ids('echo "x" # CIS 4.4')).toEqual(['1:4.4']);
    expect(ids('# [CIS 4.5] log rotation')).toEqual(['1:4.5']);
    // prose that mentions a recommendation is not a change
    expect(ids('# BREAK=yes makes the CIS 5.2.6 change fail the way a typo would.')).toEqual([]);
    expect(ids('# see CIS 4.4 for why')).toEqual([]);
  });

  it('maps a real-looking hardening script to the right lines', () => {
    const script = [
      '#!/bin/bash',
      'set -euo pipefail',
      '',
      '# CIS 5.2.4 Ensure SSH LogLevel is appropriate',
      'sed -i "s/^#LogLevel.*/LogLevel INFO/" /etc/ssh/sshd_config',
      '',
      '# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less',
      'echo "MaxAuthTries 4" >> /etc/ssh/sshd_config',
    ].join('\n');
    const refs = parseCisReferences(script, 'scripts/ssh.sh');
    expect(refs).toEqual([
      {
        cisId: '5.2.4',
        file: 'scripts/ssh.sh',
        line: 4,
        endLine: 5,
        text: '# CIS 5.2.4 Ensure SSH LogLevel is appropriate',
      },
      {
        cisId: '5.2.6',
        file: 'scripts/ssh.sh',
        line: 7,
        endLine: 8,
        text: '# CIS 5.2.6 Ensure SSH MaxAuthTries is set to 4 or less',
      },
    ]);
  });

  it('is deterministic: same files in any order give the same map and hash', () => {
    const a = { file: 'a.sh', text: '# CIS 1.1\n# CIS 2.2' };
    const b = { file: 'b.sh', text: '# CIS 3.3' };
    const m1 = buildChangeMap([a, b]);
    const m2 = buildChangeMap([b, a]);
    expect(m1.changes).toEqual(m2.changes);
    expect(m1.sha256).toBe(m2.sha256);
    expect(buildChangeMap([a, { ...b, text: '# CIS 3.4' }]).sha256).not.toBe(m1.sha256);
  });

  it('locates exact IDs first, then the nearest parent section', () => {
    const m = buildChangeMap([{ file: 's.sh', text: '# CIS 5.2\nx\n# CIS 5.2.6\n' }]);
    expect(locate(m, '5.2.6')).toMatchObject({ exact: true, change: { line: 3 } });
    expect(locate(m, '5.2.9')).toMatchObject({ exact: false, change: { cisId: '5.2', line: 1 } });
    expect(locate(m, '6.1.1')).toBeUndefined();
  });

  it('orders IDs numerically', () => {
    expect(['1.1.10', '1.2', '1.1.2'].sort(compareCisIds)).toEqual(['1.1.2', '1.1.10', '1.2']);
  });
});

describe('default hardening globs and role declarations (files on disk)', () => {
  it('find a role at the repository root and roles at any depth, each with the benchmark its defaults declare', async () => {
    const root = tmpDir();
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    write('defaults/main.yml', "benchmark: UBUNTU22-CIS\nbenchmark_version: 'v2.0.0'\n");
    write(
      'tasks/section_5/cis_5.1.x.yml',
      '- name: "5.1.16 | PATCH | Ensure sshd MaxAuthTries is configured"\n',
    );
    write(
      'ansible/roles/base/roles/al/defaults/main.yml',
      'benchmark: AMAZON2023-CIS\nbenchmark_version: v1.0.0\n',
    );
    write(
      'ansible/roles/base/roles/al/tasks/section_4/deep/cis_4.2.x.yml',
      '- name: 4.2.16 | PATCH | Ensure SSH MaxAuthTries\n',
    );
    write('ansible/roles/plain/tasks/main.yml', '- name: "5.2.6 | PATCH | Ensure SSH MaxAuthTries"\n');
    const map = await loadChangeMap([], { root, cwd: root });
    const got = map.changes.map(
      (c) =>
        `${c.file} ${c.cisId} ${c.benchmark ? `${c.benchmark.product} ${c.benchmark.version} ${c.declaredBy}` : '-'}`,
    );
    expect(got.sort()).toEqual([
      'ansible/roles/base/roles/al/tasks/section_4/deep/cis_4.2.x.yml 4.2.16 al2023 1.0.0 role',
      // a role of its own that declares nothing: not its parent's declaration
      'ansible/roles/plain/tasks/main.yml 5.2.6 -',
      'tasks/section_5/cis_5.1.x.yml 5.1.16 ubuntu2204 2.0.0 role',
    ]);
    // the scan's benchmark input declares what nothing else does; a role's own declaration wins
    const withInput = await loadChangeMap([], { root, cwd: root }, 'hardening-scripts', {
      product: 'ubuntu2004',
      version: '1.0.0',
    });
    expect(withInput.changes.find((c) => c.cisId === '5.2.6')).toMatchObject({
      declaredBy: 'input',
      benchmark: { product: 'ubuntu2004' },
    });
    expect(withInput.changes.find((c) => c.cisId === '5.1.16')).toMatchObject({ declaredBy: 'role' });
  });
});
