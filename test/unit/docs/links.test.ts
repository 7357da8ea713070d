/**
 * The docs point at things that exist: every relative link in README.md and docs/ names a
 * file of the repository, and every #anchor a heading of that file (GitHub's slugs), so a
 * page moved or a heading renamed fails here rather than in a reader's browser.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../../src/paths';

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? markdownFiles(full) : entry.name.endsWith('.md') ? [full] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function withoutCodeBlocks(text: string): string {
  return text.replace(/```[\s\S]*?```/g, '');
}

/** Link-like text inside code (`[a](b)` in an example) is not a link. */
function withoutCode(text: string): string {
  return withoutCodeBlocks(text).replace(/`[^`\n]*`/g, '');
}

function anchors(file: string): Set<string> {
  const headings = withoutCodeBlocks(fs.readFileSync(file, 'utf8')).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((h) => slug(h.replace(/^#+ /, ''))));
}

const PAGES = [path.join(projectRoot, 'README.md'), path.join(projectRoot, 'CHANGELOG.md'), ...markdownFiles(path.join(projectRoot, 'docs'))];

describe('docs: links', () => {
  it('slugs headings the way GitHub does', () => {
    assert.equal(slug('Patroni side by side (work in progress)'), 'patroni-side-by-side-work-in-progress');
    assert.equal(slug("Operators' guide"), 'operators-guide');
    assert.equal(slug('Predictive detection (NAB)'), 'predictive-detection-nab');
  });

  for (const page of PAGES) {
    const name = path.relative(projectRoot, page);
    it(`${name}: every relative link leads to a file and heading that exist`, () => {
      const text = withoutCode(fs.readFileSync(page, 'utf8'));
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [file, anchor] = target.split('#');
        const resolved = file ? path.resolve(path.dirname(page), file) : page;
        if (!fs.existsSync(resolved)) broken.push(`${target}: no file ${path.relative(projectRoot, resolved)}`);
        else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${target}: no heading #${anchor}`);
      }
      assert.deepEqual(broken, []);
    });
  }
});
