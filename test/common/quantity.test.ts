import { gibibytes, mebibytes, millicores, quantityValue } from '../../lib/common/quantity';

describe('canonical resource quantities (the form the API server stores)', () => {
  test('MiB take the largest binary suffix that keeps the number whole', () => {
    expect(mebibytes(512)).toBe('512Mi');
    expect(mebibytes(1024)).toBe('1Gi');
    expect(mebibytes(2048)).toBe('2Gi');
    expect(mebibytes(1536)).toBe('1536Mi');
    expect(mebibytes(1024 * 1024)).toBe('1Ti');
    expect(mebibytes(0)).toBe('0');
  });

  test('GiB and millicores', () => {
    expect(gibibytes(20)).toBe('20Gi');
    expect(gibibytes(1024)).toBe('1Ti');
    expect(millicores(250)).toBe('250m');
    expect(millicores(1000)).toBe('1');
    expect(millicores(2000)).toBe('2');
    expect(millicores(1500)).toBe('1500m');
  });

  test('refuses what is not a whole amount', () => {
    expect(() => mebibytes(1.5)).toThrow(/MiB 1.5 is not a non-negative integer/);
    expect(() => millicores(-1)).toThrow(/millicores -1/);
  });

  test('quantityValue reads every suffix and keeps the value', () => {
    expect(quantityValue('2Gi')).toBe(2 * 2 ** 30);
    expect(quantityValue('500m')).toBe(0.5);
    expect(quantityValue('200M')).toBe(200e6);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('12Qi')).toBeUndefined();
    for (const n of [1, 512, 1024, 1536, 2048, 4096, 100000])
      expect(quantityValue(mebibytes(n))).toBe(n * 2 ** 20);
  });
});
