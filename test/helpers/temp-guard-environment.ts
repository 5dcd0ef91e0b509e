// the real module objects (a wildcard import would patch an interop copy)
import fs = require('fs');
import os = require('os');
import path = require('path');
import { TestEnvironment } from 'jest-environment-node';

type Mkdtemp = typeof fs.mkdtempSync;

/**
 * The unit tests' jest environment: Node's, plus a guard against temp folders left behind. While a
 * test file runs, every folder that `fs.mkdtempSync`, `fs.mkdtemp` or `fs.promises.mkdtemp` makes
 * under the OS temp dir is recorded; when the file is done (after its own `afterAll` hooks), any
 * that still exists is removed and the test file fails, naming the folders. Test code should use
 * `tempDir()` / `testApp()` / `testChart()` from `test/helpers/temp.ts`.
 */
export default class TempGuardEnvironment extends TestEnvironment {
  private readonly made: string[] = [];
  private readonly saved = { sync: fs.mkdtempSync, cb: fs.mkdtemp, promise: fs.promises.mkdtemp };

  async setup(): Promise<void> {
    await super.setup();
    const tmp = fs.realpathSync(os.tmpdir());
    const record = (dir: string) => {
      const abs = path.resolve(dir);
      if (abs.startsWith(os.tmpdir() + path.sep) || abs.startsWith(tmp + path.sep)) this.made.push(abs);
    };
    const { sync, cb, promise } = this.saved;
    (fs as any).mkdtempSync = ((prefix: string, options?: any) => {
      const dir = sync(prefix, options);
      record(String(dir));
      return dir;
    }) as Mkdtemp;
    (fs as any).mkdtemp = (prefix: string, ...rest: any[]) => {
      const callback = rest.pop();
      (cb as any)(prefix, ...rest, (err: unknown, dir: string) => {
        if (!err) record(String(dir));
        callback(err, dir);
      });
    };
    (fs.promises as any).mkdtemp = async (prefix: string, options?: any) => {
      const dir = await promise(prefix, options);
      record(String(dir));
      return dir;
    };
  }

  async teardown(): Promise<void> {
    (fs as any).mkdtempSync = this.saved.sync;
    (fs as any).mkdtemp = this.saved.cb;
    (fs.promises as any).mkdtemp = this.saved.promise;
    const left = this.made.filter((d) => fs.existsSync(d));
    for (const d of left) fs.rmSync(d, { recursive: true, force: true });
    await super.teardown();
    if (left.length > 0) {
      throw new Error(
        `this test file left ${left.length} temp folder(s) behind (removed now): ${left.join(', ')}; ` +
          'make them with tempDir() / testApp() / testChart() from test/helpers/temp.ts, or remove them in afterEach/afterAll',
      );
    }
  }
}
