/**
 * `${env:VAR}` references and `$` escaping in collector config strings (confmap expansion rules).
 * The collector expands `${scheme:ref}` (and `${env:VAR:-default}`); `$$` is a literal `$`.
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

/** A problem found in a string; `undefined` when the string is fine. */
export function checkExpansionSyntax(value: string): string | undefined {
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
        return `"$${bare[0]}" is not expanded by the collector; write \${env:${bare[0]}} for an environment variable or $$${bare[0]} for a literal "$"`;
      }
      return `literal "$" at offset ${i} must be escaped as "$$"`;
    }
    const end = value.indexOf('}', i + 2);
    if (end < 0) {
      return `unterminated "\${" at offset ${i}; close it with "}" or escape the "$" as "$$"`;
    }
    const body = value.slice(i + 2, end);
    const colon = body.indexOf(':');
    if (colon < 0) {
      return `"\${${body}}" has no provider scheme; write \${env:${body}}`;
    }
    const scheme = body.slice(0, colon);
    const rest = body.slice(colon + 1);
    if (!PROVIDERS.includes(scheme)) {
      return `"\${${body}}" uses unknown provider "${scheme}"; use one of ${PROVIDERS.join(', ')} (usually env)`;
    }
    if (scheme === 'env') {
      const name = rest.split(':-')[0];
      if (!ENV_NAME.test(name)) {
        return `"\${${body}}": "${name}" is not a valid environment variable name; use letters, digits and underscores, not starting with a digit`;
      }
    } else if (rest.length === 0) {
      return `"\${${body}}" has an empty reference`;
    }
    i = end + 1;
  }
  return undefined;
}

/** Names of the environment variables referenced with `${env:NAME}` in a string. */
export function referencedEnvVars(value: string): string[] {
  const out: string[] = [];
  const re = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[1]) out.push(m[1]);
  }
  return out;
}
