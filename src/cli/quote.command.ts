import { readFile } from 'node:fs/promises';
import { evaluateCase, PolicyCaseError } from '../modules/policy/policy-case.js';

/** Where `runQuote` writes: one line per call, no trailing newline. */
export interface QuoteIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    (error as NodeJS.ErrnoException).syscall !== undefined
  );
}

/**
 * `hub quote FILE…`: evaluates policy case files (policy-cases/README.md) and
 * prints one JSON line per file, in order. Returns 0 when every file was read
 * and evaluated (a PARAMETER_NOT_SET outcome is an evaluation), 2 when any
 * file is unreadable or not a valid case; the other files are still quoted so
 * one bad file does not hide the rest.
 */
export async function runQuote(files: string[], io: QuoteIo): Promise<number> {
  if (files.length === 0) {
    io.err('quote: no case file given');
    return 2;
  }
  let status = 0;
  for (const file of files) {
    try {
      io.out(JSON.stringify(evaluateCase(JSON.parse(await readFile(file, 'utf8')))));
    } catch (error) {
      if (!(error instanceof PolicyCaseError || error instanceof SyntaxError || isFileError(error))) throw error;
      // PolicyCaseError and file errors are structurally SyntaxErrors to TypeScript, hence the cast.
      const reason = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
      io.err(`${file}: ${reason}`);
      status = 2;
    }
  }
  return status;
}
