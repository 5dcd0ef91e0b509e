/**
 * `${env:VAR}` references and `$` escaping in collector config strings (confmap expansion rules, as
 * collector 0.158 applies them, checked against the real program): `${scheme:ref}` is expanded (and
 * `${env:VAR:-default}`), `${VAR}` too (the default scheme is env), `$$` is a literal `$`; a `$` not
 * followed by `{` (`$FOO`, `$5`) and an unterminated `${` stay literal text. An unknown scheme or an
 * invalid variable name makes the collector refuse the config.
 */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROVIDERS = ['env', 'file', 'http', 'https', 'yaml'];

/**
 * A `${env:NAME}` reference, e.g. for a header whose value comes from a Secret-backed env var.
 * @param name environment variable name
 * @param defaultValue value used when the variable is unset @default - none
 */
export function envRef(name: string, defaultValue?: string): string {
  if (!ENV_NAME.test(name)) {
    throw new Error(
      `env reference "${name}" is not a valid environment variable name; use letters, digits and underscores, not starting with a digit (e.g. BACKEND_AUTH)`,
    );
  }
  return defaultValue === undefined ? `\${env:${name}}` : `\${env:${name}:-${escapeLiteral(defaultValue)}}`;
}

/** Escapes a literal string so the collector keeps every `$` (`$` -> `$$`). */
export function escapeLiteral(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** What `checkExpansion` found in a string. */
export interface ExpansionProblem {
  /** `error`: the collector refuses the config; `warning`: kept as literal text, probably not meant so. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** The first problem of a string's `$` expansions; `undefined` when the string is fine. */
export function checkExpansion(value: string): ExpansionProblem | undefined {
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c !== '$') {
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
        return {
          severity: 'warning',
          message: `"$${bare[0]}" is kept as literal text by the collector (it expands only \${...}); write \${env:${bare[0]}} for an environment variable or $$${bare[0]} to say the "$" is meant`,
        };
      }
      i++;
      continue;
    }
    const end = value.indexOf('}', i + 2);
    if (end < 0) {
      return { severity: 'warning', message: `unterminated "\${" at offset ${i} is kept as literal text; close it with "}" or escape the "$" as "$$"` };
    }
    const body = value.slice(i + 2, end);
    const colon = body.indexOf(':');
    const scheme = colon < 0 ? 'env' : body.slice(0, colon);
    const rest = colon < 0 ? body : body.slice(colon + 1);
    if (!PROVIDERS.includes(scheme)) {
      return { severity: 'error', message: `"\${${body}}" uses unknown provider "${scheme}"; use one of ${PROVIDERS.join(', ')} (usually env)` };
    }
    if (scheme === 'env') {
      const name = rest.split(':-')[0];
      if (!ENV_NAME.test(name)) {
        return { severity: 'error', message: `"\${${body}}": "${name}" is not a valid environment variable name; use letters, digits and underscores, not starting with a digit` };
      }
    } else if (rest.length === 0) {
      return { severity: 'error', message: `"\${${body}}" has an empty reference` };
    }
    i = end + 1;
  }
  return undefined;
}

/** The first problem of a string's `$` expansions, as text (errors and warnings alike); `undefined` when fine. */
export function checkExpansionSyntax(value: string): string | undefined {
  return checkExpansion(value)?.message;
}

/** Names of the environment variables referenced with `${env:NAME}` (or `${NAME}`) in a string. */
export function referencedEnvVars(value: string): string[] {
  const out: string[] = [];
  const re = /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[1]) out.push(m[1]);
  }
  return out;
}
