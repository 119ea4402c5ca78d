import { describe, expect, it } from 'vitest';
import { escapeRegExp, wildcardRegExp } from '../../shared/src/regexp.js';

describe('escapeRegExp, wildcardRegExp', () => {
  it('escapes every metacharacter: the text matches itself and nothing else', () => {
    const text = 'a.b*c+d?(e)[f]{g}|h^i$j\\k';
    expect(new RegExp(`^${escapeRegExp(text)}$`).test(text)).toBe(true);
    expect(new RegExp(`^${escapeRegExp('a.b')}$`).test('axb')).toBe(false);
  });
  it('a * matches anything, every other character only itself, the whole value', () => {
    expect(wildcardRegExp('amazon-ebs.*').test('amazon-ebs.ubuntu-arm64')).toBe(true);
    expect(wildcardRegExp('amazon-ebs.*').test('amazon-ebsXubuntu')).toBe(false);
    expect(wildcardRegExp('ami-0123*').test('x-ami-0123')).toBe(false);
    expect(wildcardRegExp('CIS_*', 'i').test('cis_level1_server')).toBe(true);
    expect(wildcardRegExp('(a)').test('(a)')).toBe(true);
  });
});
