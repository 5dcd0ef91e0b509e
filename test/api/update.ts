/**
 * `npm run api:update`: rewrites api/otel-k8s.api.md from the current public API and lists the public
 * symbols without a doc comment (the docs-coverage test fails on them). `--check` writes nothing and
 * exits 1 when the report is out of date or a symbol is undocumented (what the tests assert).
 */
import * as fs from 'fs';
import * as path from 'path';
import { KNOWN_UNDOCUMENTED, REPORT_FILE, ROOT, publicSurface } from './surface';

const check = process.argv.includes('--check');
const started = Date.now();
const { report, undocumented, diagnostics } = publicSurface();
let failed = false;
if (diagnostics.length > 0) {
  console.error(`the published declarations do not compile:\n  ${diagnostics.join('\n  ')}`);
  failed = true;
}
const current = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '';
const rel = path.relative(ROOT, REPORT_FILE);
if (current === report) console.log(`${rel}: up to date`);
else if (check) {
  console.error(`${rel} is out of date: run npm run api:update and review the diff`);
  failed = true;
} else {
  fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  fs.writeFileSync(REPORT_FILE, report);
  console.log(`${rel}: updated (review with git diff ${rel})`);
}
const unexpected = undocumented.filter((u) => !KNOWN_UNDOCUMENTED.includes(u));
const stale = KNOWN_UNDOCUMENTED.filter((u) => !undocumented.includes(u));
if (unexpected.length > 0) {
  console.error(`${unexpected.length} public symbol(s) without a doc comment:\n  ${unexpected.join('\n  ')}`);
  failed = true;
}
if (stale.length > 0) {
  console.error(
    `documented now, remove from KNOWN_UNDOCUMENTED in test/api/surface.ts:\n  ${stale.join('\n  ')}`,
  );
  failed = true;
}
if (unexpected.length === 0 && stale.length === 0) {
  console.log(
    `every public symbol has a doc comment (known exceptions: ${KNOWN_UNDOCUMENTED.length}, listed in test/api/surface.ts)`,
  );
}
console.log(`(${Date.now() - started} ms)`);
process.exit(failed ? 1 : 0);
