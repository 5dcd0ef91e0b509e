/** The guard module every public entry point uses: what it refuses, and the messages it gives. */
import {
  checkKnownKeys,
  checkOttl,
  checkRe2,
  optInstance,
  optList,
  optNumber,
  optOneOf,
  optString,
  optStringMap,
  ottlProblem,
  propsObject,
  re2Problem,
  reqString,
} from '../lib/common/guards';

class Thing {
  public static make(): Thing {
    return new Thing();
  }
}

describe('guards', () => {
  test('numbers: finite, whole, ranges, and numbers given as strings', () => {
    expect(optNumber('x', 'ratio', 0.5, { min: 0, max: 1 })).toBe(0.5);
    expect(optNumber('x', 'ratio', undefined)).toBeUndefined();
    expect(() => optNumber('x', 'ratio', NaN)).toThrow(/^x: ratio NaN is not a finite number; pass a finite number$/);
    expect(() => optNumber('x', 'port', Infinity, { integer: true, min: 1, max: 65535 })).toThrow(/port Infinity is not a whole number; pass a whole number between 1 and 65535/);
    expect(() => optNumber('x', 'port', 1.5, { integer: true, min: 1, max: 65535 })).toThrow(/port 1\.5 is not a whole number/);
    expect(() => optNumber('x', 'port', 0, { integer: true, min: 1, max: 65535, example: '8888' })).toThrow(/port 0 is out of range; pass a whole number between 1 and 65535 \(e\.g\. 8888\)/);
    expect(() => optNumber('x', 'port', '8888', { integer: true })).toThrow(/port "8888" is a number given as a string; pass the number 8888 without quotes/);
    expect(() => optNumber('x', 'wait', 0, { min: 0, exclusiveMin: true })).toThrow(/wait 0 is out of range; pass a number above 0/);
  });

  test('strings, unions and maps', () => {
    expect(() => optString('x', 'name', 42)).toThrow(/name 42 is not a string/);
    expect(() => optString('x', 'name', ' ')).toThrow(/name " " is empty/);
    expect(() => reqString('x', 'name', null)).toThrow(/name null is missing/);
    expect(optOneOf('x', 'mode', 'tail', ['tail', 'head'])).toBe('tail');
    expect(() => optOneOf('x', 'mode', 'tial', ['tail', 'head'])).toThrow(/mode "tial" is not allowed; use "tail" \(closest\) or one of "tail", "head"/);
    expect(() => optStringMap('x', 'attrs', { a: 1 })).toThrow(/attrs\.a 1 is not a string/);
    expect(() => optStringMap('x', 'attrs', 'a=b')).toThrow(/attrs "a=b" is not an object/);
  });

  test('a string where a list is expected is refused, not split into letters', () => {
    expect(() => optList('x', 'codes', 'ERROR', (v) => v)).toThrow(/codes "ERROR" is a string, not a list; pass a list/);
    expect(optList('x', 'codes', ['ERROR'], (v) => v)).toEqual(['ERROR']);
  });

  test('instances of our classes, and plain objects that only look like them', () => {
    expect(optInstance('x', 'sampling', Thing.make(), Thing, 'Thing.make()')).toBeInstanceOf(Thing);
    expect(() => optInstance('x', 'sampling', 'tail', Thing, 'Thing.make()')).toThrow(/sampling "tail" is not a Thing; build it with Thing\.make\(\)/);
    expect(() => optInstance('x', 'sampling', { kind: 'tail' }, Thing, 'Thing.make()')).toThrow(/is not a Thing/);
    // a class of the same name from another copy of the package
    const Other = class Thing {};
    expect(() => optInstance('x', 'sampling', new Other(), Thing, 'Thing.make()')).toThrow(/from another copy of this package; install one copy/);
  });

  test('props objects and unknown keys, with the closest known key', () => {
    expect(propsObject('x', undefined, ['a'])).toEqual({});
    expect(() => propsObject('x', null, ['a'])).toThrow(/props null is not an object/);
    expect(() => propsObject('x', 'a', ['a'])).toThrow(/props "a" is not an object/);
    expect(() => checkKnownKeys('x', 'tls', { insecur: true }, ['insecure', 'caFile'])).toThrow(/x: tls\.insecur is not a known prop; did you mean insecure\? known: insecure, caFile/);
  });

  test('regular expressions the collector (Go RE2) would refuse', () => {
    expect(re2Problem('^/api/(v1|v2)/.*$')).toBeUndefined();
    expect(re2Problem('(?P<id>[0-9]+)')).toBeUndefined();
    expect(re2Problem('(?i)health')).toBeUndefined();
    expect(re2Problem('^(?!health).*')).toMatch(/look-ahead/);
    expect(re2Problem('(?<=a)b')).toMatch(/look-behind/);
    expect(re2Problem('(a)\\1')).toMatch(/back reference/);
    expect(re2Problem('a++')).toMatch(/possessive/);
    expect(re2Problem('a(b')).toMatch(/not a valid regular expression/);
    expect(() => checkRe2('x', 'values[0]', '^(?!/health)')).toThrow(/x: values\[0\] "\^\(\?!\/health\)" uses look-ahead/);
  });

  test('OTTL: balanced syntax and known function names', () => {
    expect(ottlProblem('attributes["http.route"] == "/health"')).toBeUndefined();
    expect(ottlProblem('IsMatch(name, "^GET .*") and attributes["x"] != nil')).toBeUndefined();
    expect(ottlProblem('IsMatch(name, "(")')).toBeUndefined(); // brackets inside strings do not count
    expect(ottlProblem('IsMatch(name, "x"')).toMatch(/unclosed "\("/);
    expect(ottlProblem('attributes["x"] == "a')).toMatch(/unterminated double-quoted string/);
    expect(ottlProblem('IsMach(name, "x")')).toMatch(/unknown OTTL function IsMach\(\) \(did you mean IsMatch\?\)/);
    expect(() => checkOttl('x', 'conditions[0]', 42)).toThrow(/conditions\[0\] 42 is not a string/);
  });
});
