import { checkGoRegex, checkNamedGroups } from './component-parsers';
import { ConfigObject, compact } from './config-values';

type ActionName = 'insert' | 'update' | 'upsert' | 'delete' | 'hash' | 'extract';

/**
 * One action of the `attributes` / `resource` processors. Enum-like: use the static factories.
 *
 * @example
 * AttributeAction.hash('user.id')             // pseudonymise PII (SHA-256)
 * AttributeAction.upsert('deployment.environment', 'prod')
 * AttributeAction.delete('http.request.header.authorization')
 */
export class AttributeAction {
  /** Inserts the attribute when it does not exist. */
  public static insert(key: string, value: string | number | boolean): AttributeAction {
    return new AttributeAction('insert', key, { value });
  }
  /** Updates the attribute when it exists. */
  public static update(key: string, value: string | number | boolean): AttributeAction {
    return new AttributeAction('update', key, { value });
  }
  /** Inserts or updates. */
  public static upsert(key: string, value: string | number | boolean): AttributeAction {
    return new AttributeAction('upsert', key, { value });
  }
  /** Inserts or updates from another attribute. */
  public static upsertFrom(key: string, fromAttribute: string): AttributeAction {
    return new AttributeAction('upsert', key, { fromAttribute });
  }
  /** Deletes the attribute. */
  public static delete(key: string): AttributeAction {
    return new AttributeAction('delete', key, {});
  }
  /** Replaces the value with its SHA-256 hash (first-class PII handling, e.g. `user.id`). */
  public static hash(key: string): AttributeAction {
    return new AttributeAction('hash', key, {});
  }
  /** Extracts named regex groups of the attribute into new attributes. */
  public static extract(key: string, pattern: string): AttributeAction {
    // the collector compiles Go (RE2) regexps and makes one attribute per group: every group must be named
    checkGoRegex(pattern, `attribute action extract "${key}": pattern`);
    checkNamedGroups(pattern, `attribute action extract "${key}": pattern`);
    return new AttributeAction('extract', key, { pattern });
  }

  /** The collector's action name (`insert`, `update`, `upsert`, `delete`, `hash`, `extract`). */
  public readonly action: ActionName;
  /** The attribute the action applies to. */
  public readonly key: string;
  private readonly extra: { value?: string | number | boolean; fromAttribute?: string; pattern?: string };

  private constructor(
    action: ActionName,
    key: string,
    extra: { value?: string | number | boolean; fromAttribute?: string; pattern?: string },
  ) {
    if (key.trim().length === 0) {
      throw new Error(`attribute action ${action}: key is empty; name the attribute, e.g. "user.id"`);
    }
    this.action = action;
    this.key = key;
    this.extra = extra;
  }

  /** Rendered action. */
  public toConfig(): ConfigObject {
    return compact({
      key: this.key,
      action: this.action,
      value: this.extra.value,
      from_attribute: this.extra.fromAttribute,
      pattern: this.extra.pattern,
    });
  }
}
