/** The floor: objects as plain cdk8s ApiObjects (imports cdk8s only, like any cdk8s library must). */
import { ApiObject, App, Chart } from 'cdk8s';

/** One chart of ApiObjects holding exactly `objects`. */
export function rawApp(objects: readonly any[], outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'raw');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  return app;
}
