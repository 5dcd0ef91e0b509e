import * as fs from 'fs';
import * as path from 'path';

const README = path.join(__dirname, '..', '..', 'README.md');

/** The README's code blocks of a language (```lang ... ```), in order. */
export function readmeBlocks(lang: string): string[] {
  const text = fs.readFileSync(README, 'utf8');
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** The one README block that starts with `// <file>` (e.g. `// mocks.ts`), without that line. */
export function readmeFile(file: string, lang = 'ts'): string {
  const found = readmeBlocks(lang).filter((b) => b.startsWith(`// ${file}\n`) || b.startsWith(`# ${file}\n`));
  if (found.length !== 1)
    throw new Error(`README.md has ${found.length} \`\`\`${lang} blocks starting with "${file}"; expected 1`);
  return found[0].slice(found[0].indexOf('\n') + 1);
}

/** The README's Pulumi mocks recipe (`// mocks.ts`). */
export function readmeMocksRecipe(): string {
  return readmeFile('mocks.ts');
}
