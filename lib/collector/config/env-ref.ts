/**
 * `${env:VAR}` references and `$` escaping in collector config strings (confmap expansion rules).
 * The collector expands `${scheme:ref}` (and `${env:VAR:-default}`); `$$` is a literal `$`.
 */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROVIDERS = ['env', 'file', 'http', 'https', 'yaml'];

/**
 * A `${env:NAME}` reference, e.g. for a header whose value comes from a Secret-backed env var.
 * @param name environment variable name
 * @param defaultValue value used when the variable is unset (without `$` or `}`) @default - none
 */
export function envRef(name: string, defaultValue?: string): string {
  if (!ENV_NAME.test(name)) {
    throw new Error(
      `env reference "${name}" is not a valid environment variable name; use letters, digits and underscores, not starting with a digit (e.g. BACKEND_AUTH)`,
    );
  }
  if (defaultValue !== undefined && /[$}]/.test(defaultValue)) {
    throw new Error(
      `env reference "${name}": default value "${defaultValue}" contains "$" or "}"; the collector refuses "$" inside a reference and "}" would end it, so use a default without them`,
    );
  }
  return defaultValue === undefined ? `\${env:${name}}` : `\${env:${name}:-${defaultValue}}`;
}

/** Escapes a literal string so the collector keeps every `$` (`$` -> `$$`). */
export function escapeLiteral(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** A problem of `$` syntax in a config string. */
export interface ExpansionProblem {
  /** `error`: the collector refuses the config; `warning`: it keeps the text literally, which is rarely meant. */
  readonly severity: 'error' | 'warning';
  /** What is wrong and how to write it instead. */
  readonly message: string;
}

/**
 * `$` syntax problems in a config string, as collector 0.158's confmap resolves it: `${scheme:ref}` is
 * expanded (a reference without a scheme uses `env`), `$$` becomes `$`, and any other `$` is kept as
 * written. Errors: an unknown provider scheme, an invalid env var name, a `$` inside a reference.
 * Warnings: `$NAME` and an unterminated `${`, which the collector keeps literally. A lone `$` (e.g. a
 * regex anchor) is fine.
 */
export function checkExpansionSyntax(value: string): ExpansionProblem[] {
  const out: ExpansionProblem[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '$') {
      i++;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      i += 2;
      continue;
    }
    if (next !== '{') {
      const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
      if (bare) {
        out.push({
          severity: 'warning',
          message: `"$${bare[0]}" is kept literally by the collector (it only expands \${...}); write \${env:${bare[0]}} for an environment variable, or $$${bare[0]} to make the literal explicit`,
        });
      }
      i++;
      continue;
    }
    const end = value.indexOf('}', i + 2);
    if (end < 0) {
      out.push({ severity: 'warning', message: `"\${" at offset ${i} is never closed, so the collector keeps it literally; close it with "}" or write "$$" for a literal "$"` });
      break;
    }
    const body = value.slice(i + 2, end);
    const colon = body.indexOf(':');
    const scheme = colon < 0 ? 'env' : body.slice(0, colon);
    const rest = colon < 0 ? body : body.slice(colon + 1);
    if (colon >= 0 && !PROVIDERS.includes(scheme)) {
      out.push({ severity: 'error', message: `"\${${body}}" uses unknown provider "${scheme}"; use one of ${PROVIDERS.join(', ')} (usually env)` });
    } else if (rest.includes('$')) {
      out.push({ severity: 'error', message: `"\${${body}}" contains "$", which the collector refuses inside a reference; remove it` });
    } else if (scheme === 'env') {
      const name = rest.split(':-')[0];
      if (!ENV_NAME.test(name)) {
        out.push({ severity: 'error', message: `"\${${body}}": "${name}" is not a valid environment variable name; use letters, digits and underscores, not starting with a digit` });
      }
    } else if (rest.length === 0) {
      out.push({ severity: 'error', message: `"\${${body}}" has an empty reference` });
    }
    i = end + 1;
  }
  return out;
}

/** Names of the environment variables referenced with `${env:NAME}` (or `${NAME}`: env is the default scheme) in a string. */
export function referencedEnvVars(value: string): string[] {
  const out: string[] = [];
  const re = /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[1]) out.push(m[1]);
  }
  return out;
}
