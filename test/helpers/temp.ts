import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Chart, ChartProps } from 'cdk8s';

/**
 * Temporary folders of the unit tests. Every folder made here is removed after the test file that
 * made it (an `afterAll` registered by this module in each test file that imports it), so tests
 * need no cleanup code of their own. `test/helpers/temp-guard-environment.ts` fails a test file
 * that leaves any other temp folder behind (e.g. a bare `fs.mkdtempSync` or cdk8s's `Testing.app()`,
 * which makes a `cdk8s.outdir.*` folder per call and never removes it).
 */
export const TEMP_PREFIX = 'otel-k8s-test-';

const made: string[] = [];
let appRoot: string | undefined;
let apps = 0;

if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    appRoot = undefined;
  });
}

/** A new empty folder under the OS temp dir, removed after the current test file. */
export function tempDir(name = 'tmp-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${name}`));
  made.push(dir);
  return dir;
}

/**
 * `Testing.app()` without the leak: an App whose outdir is a not-yet-created folder inside this
 * file's temp folder (`app.synth()` creates it; `Testing.synth(chart)` writes nothing).
 */
export function testApp(props: AppProps = {}): App {
  appRoot ??= tempDir('cdk8s-');
  return new App({ outdir: path.join(appRoot, `app-${++apps}`), ...props });
}

/** `Testing.chart()` without the leak: a Chart `test` (or `id`) in a new `testApp()`. */
export function testChart(id = 'test', props?: ChartProps): Chart {
  return new Chart(testApp(), id, props);
}
