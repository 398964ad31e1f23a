import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/shared/errors.js';

const SRC = path.resolve(import.meta.dirname, '../../src');
const LIST = path.join(SRC, 'shared/errors.ts');
/** What an error code looks like: CONSTANT_CASE. Lower-case OAuth codes (RFC 6749) are a list of their own. */
const CODE_SHAPE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sourceFiles(SRC).map((file) => ({
  file: path.relative(SRC, file),
  source: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
}));

const isString = (node: ts.Node | undefined): node is ts.StringLiteralLike =>
  node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));

/** `x.extensions.code`, `x.extensions?.code`, `error.code` of a GraphQL error: a property access named `code` under `extensions`. */
function isExtensionsCode(node: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(node) && node.name.text === 'code' && /\bextensions\??$/.test(node.expression.getText());
}

/** Whether a class extends the hub's or graphql-js's error classes. */
function extendsAnError(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node; at; at = at.parent) {
    if (ts.isClassDeclaration(at) || ts.isClassExpression(at)) {
      return (at.heritageClauses ?? []).some((clause) => clause.types.some((type) => /Error$/.test(type.expression.getText())));
    }
  }
  return false;
}

/**
 * The string literals of a file that stand where an error code goes: the
 * `code` of an `extensions` object, a `code` property of an error class, a
 * comparison with `extensions.code`, and the arguments of an error class's
 * `super(...)` and of `errorBody(...)`.
 */
function codeLiterals(source: ts.SourceFile): { code: string; line: number }[] {
  const found: { code: string; line: number }[] = [];
  const add = (node: ts.StringLiteralLike) => {
    if (CODE_SHAPE.test(node.text)) found.push({ code: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && node.name.getText() === 'code' && isString(node.initializer)) {
      const owner = node.parent.parent;
      if (ts.isPropertyAssignment(owner) && owner.name.getText() === 'extensions') add(node.initializer);
      else if (extendsAnError(node)) add(node.initializer);
    }
    if (ts.isPropertyDeclaration(node) && node.name.getText() === 'code' && extendsAnError(node)) {
      const value = node.initializer && ts.isAsExpression(node.initializer) ? node.initializer.expression : node.initializer;
      if (isString(value)) add(value);
    }
    if (ts.isBinaryExpression(node) && /^[!=]==?$/.test(node.operatorToken.getText())) {
      if (isExtensionsCode(node.left) && isString(node.right)) add(node.right);
      if (isExtensionsCode(node.right) && isString(node.left)) add(node.left);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText();
      if ((callee === 'super' && extendsAnError(node)) || callee === 'errorBody') node.arguments.filter(isString).forEach(add);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the one list of error codes', () => {
  const listed = new Set<string>(Object.values(ErrorCode));

  it('finds a literal code where one is written (the scan itself)', () => {
    const probe = ts.createSourceFile(
      'probe.ts',
      [
        "class A extends HubError { constructor() { super('m', 'MADE_UP'); } }",
        "class B extends Error { readonly code = 'ALSO_MADE_UP' as const; }",
        "new GraphQLError('m', { extensions: { code: 'THIRD' } });",
        "if (error.extensions?.code === 'FOURTH') {}",
        "if ((error as NodeJS.ErrnoException).code === 'ENOENT') {}",
      ].join('\n'),
      ts.ScriptTarget.ES2022,
      true,
    );
    expect(codeLiterals(probe).map(({ code }) => code)).toEqual(['MADE_UP', 'ALSO_MADE_UP', 'THIRD', 'FOURTH']);
  });

  it('writes no error code as a literal anywhere in src/: every one comes from ErrorCode', () => {
    const literals = files
      .filter(({ file }) => file !== path.relative(SRC, LIST))
      .flatMap(({ file, source }) => codeLiterals(source).map(({ code, line }) => `${file}:${line} ${code}`));
    expect(literals).toEqual([]);
  });

  it('holds in errors.ts no code beside the list (a set of codes is built from ErrorCode too)', () => {
    const list = files.find(({ file }) => file === path.relative(SRC, LIST))!.source;
    const strays: string[] = [];
    const visit = (node: ts.Node): void => {
      // The list itself: `export const ErrorCode = { ... }`.
      if (ts.isVariableDeclaration(node) && node.name.getText() === 'ErrorCode') return;
      if (isString(node) && CODE_SHAPE.test(node.text) && !listed.has(node.text)) strays.push(node.text);
      ts.forEachChild(node, visit);
    };
    visit(list);
    expect(strays).toEqual([]);
  });

  it('lists no code that src/ never raises (by ErrorCode.X or through an error class of the list)', () => {
    const list = files.find(({ file }) => file === path.relative(SRC, LIST))!.source;
    // The classes of errors.ts, by the codes their bodies name.
    const classesOf = new Map<string, string[]>();
    for (const statement of list.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      for (const [, code] of statement.getText().matchAll(/ErrorCode\.([A-Z_]+)/g)) {
        classesOf.set(code!, [...(classesOf.get(code!) ?? []), statement.name.text]);
      }
    }
    const elsewhere = files
      .filter(({ file }) => file !== path.relative(SRC, LIST))
      .map(({ source }) => source.getFullText())
      .join('\n');
    const unused = [...listed].filter(
      (code) =>
        !new RegExp(`\\bErrorCode\\.${code}\\b`).test(elsewhere) &&
        !(classesOf.get(code) ?? []).some((name) => new RegExp(`\\b${name}\\b`).test(elsewhere)),
    );
    expect(unused).toEqual([]);
  });
});
