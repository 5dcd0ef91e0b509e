/**
 * A small evaluator for the subset of CEL used by `x-kubernetes-validations` rules in the CRDs we
 * validate against (the OpenTelemetryCollector sidecar rules, cert-manager's issuer rules):
 * literals, `self.a.b` member access, `has(...)`, `size(...)`, `!`, `&&`, `||`, `==`, `!=`,
 * `<`, `<=`, `>`, `>=`, `+`, `-` and the ternary `a ? b : c`.
 *
 * Rules using anything else are reported as unsupported by `compileCel` (never silently passed).
 */

type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'self' }
  | { t: 'member'; obj: Node; name: string }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'binary'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[!<>+\-?:().,]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`unsupported CEL syntax at "${src.slice(pos, pos + 20)}"`);
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
};

class Parser {
  private i = 0;
  constructor(private readonly toks: string[]) {}

  parse(): Node {
    const n = this.conditional();
    if (this.i < this.toks.length) throw new Error(`unexpected token "${this.toks[this.i]}"`);
    return n;
  }

  private peek(): string | undefined {
    return this.toks[this.i];
  }

  private expect(tok: string): void {
    if (this.toks[this.i] !== tok) throw new Error(`expected "${tok}" but found "${this.toks[this.i] ?? 'end'}"`);
    this.i++;
  }

  private conditional(): Node {
    const c = this.binary(1);
    if (this.peek() === '?') {
      this.i++;
      const a = this.conditional();
      this.expect(':');
      const b = this.conditional();
      return { t: 'cond', c, a, b };
    }
    return c;
  }

  private binary(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = op !== undefined ? PRECEDENCE[op] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      const right = this.binary(prec + 1);
      left = { t: 'binary', op: op!, l: left, r: right };
    }
  }

  private unary(): Node {
    if (this.peek() === '!' || this.peek() === '-') {
      const op = this.toks[this.i++];
      return { t: 'unary', op, arg: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let n = this.primary();
    while (this.peek() === '.') {
      this.i++;
      const name = this.toks[this.i++];
      if (!name || !/^[A-Za-z_]/.test(name)) throw new Error('expected a field name after "."');
      n = { t: 'member', obj: n, name };
    }
    return n;
  }

  private primary(): Node {
    const tok = this.toks[this.i++];
    if (tok === undefined) throw new Error('unexpected end of rule');
    if (tok === '(') {
      const n = this.conditional();
      this.expect(')');
      return n;
    }
    if (/^\d/.test(tok)) return { t: 'lit', v: Number(tok) };
    if (tok.startsWith("'") || tok.startsWith('"')) return { t: 'lit', v: tok.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (tok === 'true' || tok === 'false') return { t: 'lit', v: tok === 'true' };
    if (tok === 'null') return { t: 'lit', v: null };
    if (tok === 'self') return { t: 'self' };
    if ((tok === 'has' || tok === 'size') && this.peek() === '(') {
      this.i++;
      const arg = this.conditional();
      this.expect(')');
      return { t: 'call', fn: tok, args: [arg] };
    }
    throw new Error(`unsupported CEL identifier "${tok}"`);
  }
}

const MISSING = Symbol('missing');

function evaluate(n: Node, self: unknown): unknown {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'self':
      return self;
    case 'member': {
      const o = evaluate(n.obj, self);
      if (o === null || o === MISSING || typeof o !== 'object') return MISSING;
      return Object.prototype.hasOwnProperty.call(o, n.name) ? (o as any)[n.name] : MISSING;
    }
    case 'call': {
      if (n.fn === 'has') {
        if (n.args[0].t !== 'member') throw new Error('has() takes a field selection');
        return evaluate(n.args[0], self) !== MISSING;
      }
      const v = evaluate(n.args[0], self);
      if (v === MISSING || v === null) return 0;
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (typeof v === 'object') return Object.keys(v as object).length;
      return 0;
    }
    case 'unary': {
      const v = evaluate(n.arg, self);
      return n.op === '!' ? !truthy(v) : -(v as number);
    }
    case 'cond':
      return truthy(evaluate(n.c, self)) ? evaluate(n.a, self) : evaluate(n.b, self);
    case 'binary': {
      if (n.op === '&&') return truthy(evaluate(n.l, self)) && truthy(evaluate(n.r, self));
      if (n.op === '||') return truthy(evaluate(n.l, self)) || truthy(evaluate(n.r, self));
      const l = norm(evaluate(n.l, self));
      const r = norm(evaluate(n.r, self));
      switch (n.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '<':
          return (l as number) < (r as number);
        case '<=':
          return (l as number) <= (r as number);
        case '>':
          return (l as number) > (r as number);
        case '>=':
          return (l as number) >= (r as number);
        case '+':
          return (l as number) + (r as number);
        case '-':
          return (l as number) - (r as number);
      }
    }
  }
  throw new Error('unreachable');
}

/** A field the object does not have compares like the zero value CEL would see after defaulting. */
function norm(v: unknown): unknown {
  return v === MISSING ? null : v;
}

function truthy(v: unknown): boolean {
  return v === true;
}

/** A compiled rule: returns true when `self` satisfies it. */
export type CelPredicate = (self: unknown) => boolean;

/** Compiles a CEL rule, or throws with the reason it is outside the supported subset. */
export function compileCel(rule: string): CelPredicate {
  const ast = new Parser(tokenize(rule)).parse();
  return (self) => evaluate(ast, self) === true;
}
