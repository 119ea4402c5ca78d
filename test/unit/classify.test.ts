/**
 * Failures the hardening code cannot cause (issue 23), told apart. The expected/found texts are in
 * the shapes OpenSCAP 1.3 writes for ComplianceAsCode 0.1.65 on Ubuntu 22.04 (as the demo's scan).
 */
import { describe, expect, it } from 'vitest';
import { type ClassifyContext, classifyFailure } from '../../action-scan/src/classify.js';
import type { PlannedAnnotation } from '../../action-scan/src/report/annotations.js';

const ann = (ruleId: string, over: Partial<PlannedAnnotation> = {}): PlannedAnnotation => ({
  level: 'error',
  title: ruleId,
  message: '',
  ruleId: `xccdf_org.ssgproject.content_rule_${ruleId}`,
  engine: 'openscap',
  severity: 'medium',
  status: 'fail',
  implemented: true,
  file: 'scripts/40-logging.sh',
  line: 3,
  endLine: 5,
  ...over,
});
const ctx = (
  over: Partial<ClassifyContext> & { exp?: string; fnd?: string; block?: string; file?: string } = {},
): ClassifyContext => ({
  offline: true,
  release: '0.1.65',
  product: 'ubuntu2204',
  blockText: () => over.block,
  fileText: () => over.file ?? over.block ?? '',
  expected: () => over.exp ?? '',
  found: () => over.fnd ?? '',
  ...over,
});

describe('failures the hardening code cannot cause', () => {
  it('a package the code installs and the image lacks: the install did not run', () => {
    const c = classifyFailure(
      ann('package_rsyslog_installed'),
      ctx({
        exp: 'package rsyslog is installed',
        fnd: 'nothing found for name rsyslog',
        block: '# CIS 4.2.1.1 Ensure rsyslog is installed\napt_install rsyslog || true',
      }),
    );
    expect(c).toBeUndefined(); // apt_install is no install command it knows, nor a helper of the file: no guess
    // the file's own helper that runs apt-get install counts (the example's install_pkg)
    const helper = classifyFailure(
      ann('package_rsyslog_installed'),
      ctx({
        exp: 'package rsyslog is installed',
        fnd: 'nothing found for name rsyslog',
        block: '# CIS 4.2.1.1 Ensure rsyslog is installed\ninstall_pkg rsyslog',
        file: 'install_pkg() {\n  [ "$OFFLINE" = 1 ] && return 0\n  apt-get install -y -q "$@"\n}\n# CIS 4.2.1.1 Ensure rsyslog is installed\ninstall_pkg rsyslog\n',
      }),
    );
    expect(helper).toMatchObject({ class: 'not-installed' });
    const d = classifyFailure(
      ann('package_rsyslog_installed'),
      ctx({
        exp: 'package rsyslog is installed',
        fnd: 'nothing found for name rsyslog',
        block:
          '# CIS 4.2.1.1 Ensure rsyslog is installed\nDEBIAN_FRONTEND=noninteractive apt-get install -y rsyslog',
      }),
    );
    expect(d).toMatchObject({
      class: 'not-installed',
      why: expect.stringMatching(/installs rsyslog, but the image has no rsyslog/),
    });
  });
  it('the same failure where the code does not install it is the code’s: no class', () => {
    expect(
      classifyFailure(
        ann('package_sudo_installed'),
        ctx({
          exp: 'package sudo is installed',
          fnd: 'nothing found for name sudo',
          block: '# CIS 1.3.1\necho sudo',
        }),
      ),
    ).toBeUndefined();
  });
  it('a running service on a root filesystem scanned offline', () => {
    expect(
      classifyFailure(
        ann('service_cron_enabled'),
        ctx({
          exp: 'package cron is installed; Test that the cron service is running; systemd test',
          fnd: 'nothing found for unit ^cron',
        }),
      ),
    ).toMatchObject({ class: 'offline-state' });
    // on the running test instance it is the code's
    expect(
      classifyFailure(
        ann('service_cron_enabled'),
        ctx({ offline: false, exp: 'Test that the cron service is running' }),
      ),
    ).toBeUndefined();
  });
  it('a check of this content release that does not fit Ubuntu, with its upstream fix', () => {
    const c = classifyFailure(ann('sshd_use_approved_ciphers'), ctx({ offline: false }));
    expect(c).toMatchObject({ class: 'content-misfit' });
    expect(c!.why).toMatch(/ComplianceAsCode 0\.1\.65 .*redhat-release.*PR #10405, commit 5202a591d851/);
    // a later release, or another product, is not in the table
    expect(classifyFailure(ann('sshd_use_approved_ciphers'), ctx({ release: '0.1.68' }))).toBeUndefined();
    expect(classifyFailure(ann('sshd_use_approved_ciphers'), ctx({ product: 'rhel9' }))).toBeUndefined();
  });
  it('a passing rule has no class', () => {
    expect(classifyFailure(ann('sshd_use_approved_ciphers', { status: 'pass' }), ctx())).toBeUndefined();
  });
});
