import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const consumer = path.join(here, 'types', 'consumer.ts');
// Kept in memory (never on disk), so a typecheck of the package does not trip over it.
const misuse = path.join(here, 'types', 'misuse.virtual.ts');
const MISUSE = [
  "import Fastify from 'fastify';",
  "import { sluice } from '../../src/index.js';",
  'const app = Fastify();',
  'await app.register(sluice);',
  "app.post('/x', { config: { upload: true } }, async (request) => {",
  '  const count: number = request.files.doc!.length;',
  '  const id: number = request.upload!.requestId;',
  '  return { count, id };',
  '});',
  '',
].join('\n');

let program: ts.Program | undefined;

/** Each diagnostic's code and text for one file, from one program over both files with the package's compiler options. */
function diagnose(file: string): Array<{ code: number; text: string }> {
  if (!program) {
    const configPath = path.join(here, '..', 'tsconfig.json');
    const options = { ...ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, path.dirname(configPath)).options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (name) => name === misuse || fileExists.call(host, name);
    host.readFile = (name) => (name === misuse ? MISUSE : readFile.call(host, name));
    host.getSourceFile = (name, version, ...rest) => (name === misuse ? ts.createSourceFile(name, MISUSE, version) : getSourceFile.call(host, name, version, ...rest));
    program = ts.createProgram([consumer, misuse], options, host);
  }
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ({ code: d.code, text: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
}

// One tsc program takes several seconds on a busy machine.
describe('@sluice/fastify types (tsc)', { timeout: 90_000 }, () => {
  it('a typed app compiles: request.files, request.upload, the body generic, config.upload', () => {
    expect(diagnose(consumer)).toEqual([]);
  });

  it('declaration merging is in force: misuse is a type error, not a missing property', () => {
    const diagnostics = diagnose(misuse);
    expect(diagnostics.map((d) => d.code)).toEqual([18048, 2322]);
    expect(diagnostics[0]!.text).toContain("'request.files' is possibly 'undefined'");
    expect(diagnostics[1]!.text).toContain("Type 'string' is not assignable to type 'number'");
  });
});
