import { existsSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One effect found in a module that should be pure: where it is and what it is. */
export interface PurityFinding {
  file: string;
  line: number;
  found: string;
}

export interface PurityRules {
  /** Repo-relative paths (`src/x/y.ts`) a pure module may import at run time. */
  pureModules: ReadonlySet<string>;
  /** npm packages that only compute (a schema library), so a pure module may import them. */
  purePackages: ReadonlySet<string>;
}

/** Globals whose every use is an effect: the process, the clock, timers, the global object. */
const FORBIDDEN_GLOBALS: ReadonlyMap<string, string> = new Map([
  ['process', 'the process global'],
  ['performance', 'performance (reads the clock)'],
  ['setTimeout', 'setTimeout (a timer)'],
  ['setInterval', 'setInterval (a timer)'],
  ['setImmediate', 'setImmediate (a timer)'],
  ['queueMicrotask', 'queueMicrotask (schedules work)'],
  ['clearTimeout', 'clearTimeout (a timer)'],
  ['clearInterval', 'clearInterval (a timer)'],
  ['clearImmediate', 'clearImmediate (a timer)'],
  ['require', 'require (loads a module)'],
  ['globalThis', 'globalThis (reaches past the imports)'],
  ['global', 'global (reaches past the imports)'],
]);

/** `Date.UTC` and `Date.parse` compute from their arguments; every other static may not. */
const PURE_DATE_STATICS = new Set(['UTC', 'parse']);

export function formatFinding(finding: PurityFinding): string {
  return `${finding.file}:${finding.line}: ${finding.found}`;
}

/**
 * Finds the effects in one module's source: run-time imports of builtins, of packages not known
 * pure and of modules not in the pure list; the clock; timers; `process`. Names are resolved
 * with TypeScript's binder, so a local that happens to be called `process` is not a finding.
 */
export function checkPurity(file: string, sourceText: string, rules: PurityRules): PurityFinding[] {
  const { sourceFile, checker } = bindOneFile(file, sourceText);
  const findings: PurityFinding[] = [];
  const report = (node: ts.Node, found: string): void => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    findings.push({ file, line: line + 1, found });
  };
  const checkSpecifier = (node: ts.Node, specifier: ts.Expression | undefined): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier)) {
      report(node, 'an import whose specifier is computed');
      return;
    }
    const problem = describeImportProblem(file, specifier.text, rules);
    if (problem !== null) report(node, problem);
  };
  const isGlobal = (id: ts.Identifier): boolean => {
    const symbol = ts.isShorthandPropertyAssignment(id.parent)
      ? checker.getShorthandAssignmentValueSymbol(id.parent)
      : checker.getSymbolAtLocation(id);
    return !(symbol?.declarations ?? []).some((declaration) => declaration.getSourceFile() === sourceFile && !isAmbient(declaration));
  };

  const visit = (node: ts.Node): void => {
    // Types are erased: nothing in them runs, so they may name anything.
    if (ts.isTypeNode(node) && !isClassExtends(node)) return;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isImportDeclaration(node)) {
      if (!isTypeOnlyImport(node)) checkSpecifier(node, node.moduleSpecifier);
      return;
    }
    if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier !== undefined && !isTypeOnlyExport(node)) checkSpecifier(node, node.moduleSpecifier);
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) checkSpecifier(node, node.moduleReference.expression);
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      checkSpecifier(node, node.arguments[0]);
    }
    if (ts.isIdentifier(node) && isReferencePosition(node) && isGlobal(node)) {
      if (node.text === 'require' && ts.isCallExpression(node.parent) && node.parent.expression === node) {
        checkSpecifier(node.parent, node.parent.arguments[0]);
      } else if (node.text === 'Date') {
        const problem = describeDateUse(node);
        if (problem !== null) report(node, problem);
      } else {
        const found = FORBIDDEN_GLOBALS.get(node.text);
        if (found !== undefined) report(node, found);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return findings;
}

/** Expands `dir/*.ts`-style entries (a `*` in the file name only) and checks each plain path exists. */
export function expandModuleList(entries: readonly string[], rootDir: string): string[] {
  const files = new Set<string>();
  for (const entry of entries) {
    const dir = posix.dirname(entry);
    const name = posix.basename(entry);
    if (!name.includes('*')) {
      if (!existsSync(join(rootDir, entry))) throw new Error(`pure module list: ${entry} does not exist`);
      files.add(entry);
      continue;
    }
    const pattern = new RegExp(`^${name.split('*').map(escapeRegExp).join('[^/]*')}$`);
    const matches = (existsSync(join(rootDir, dir)) ? readdirSync(join(rootDir, dir)) : []).filter((file) => pattern.test(file) && !file.endsWith('.d.ts'));
    if (matches.length === 0) throw new Error(`pure module list: ${entry} matches no file`);
    for (const match of matches) files.add(`${dir}/${match}`);
  }
  return [...files].sort();
}

function describeImportProblem(file: string, specifier: string, rules: PurityRules): string | null {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier) || builtinModules.includes(specifier.split('/')[0] ?? '')) {
    return `imports the Node builtin '${specifier}'`;
  }
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = resolveSource(file, specifier);
    return rules.pureModules.has(target) ? null : `imports '${specifier}' (${target}), which is not in the pure list`;
  }
  const parts = specifier.split('/');
  const packageName = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return rules.purePackages.has(packageName) ? null : `imports the package '${packageName}', which is not a pure package`;
}

/** `./x.js` in `src/a/b.ts` is the source file `src/a/x.ts` (NodeNext imports name the emitted file). */
function resolveSource(file: string, specifier: string): string {
  const target = posix.normalize(posix.join(posix.dirname(file), specifier));
  if (/\.[cm]?js$/.test(target)) return target.replace(/js$/, 'ts');
  return posix.extname(target) === '' ? `${target}.ts` : target;
}

function describeDateUse(id: ts.Identifier): string | null {
  const parent = id.parent;
  if (ts.isNewExpression(parent) && parent.expression === id) {
    return (parent.arguments?.length ?? 0) > 0 ? null : 'new Date() without an argument (reads the clock)';
  }
  if (ts.isCallExpression(parent) && parent.expression === id) return 'Date() (reads the clock)';
  if (ts.isPropertyAccessExpression(parent) && parent.expression === id) {
    if (parent.name.text === 'now') return 'Date.now (reads the clock)';
    return PURE_DATE_STATICS.has(parent.name.text) ? null : `Date.${parent.name.text}`;
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && parent.right === id) return null;
  return 'Date used as a value (whoever holds it can read the clock)';
}

/** False where an identifier names a property or label rather than a variable. */
function isReferencePosition(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name !== id;
  if (ts.isQualifiedName(parent)) return parent.right !== id;
  if (ts.isBindingElement(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return parent.propertyName !== id;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent) ||
    ts.isEnumMember(parent) ||
    ts.isMetaProperty(parent) ||
    ts.isJsxAttribute(parent)
  ) {
    return parent.name !== id;
  }
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return parent.label !== id;
  return true;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
}

/** `class A extends B` evaluates B at run time; `implements` and interface heritage do not. */
function isClassExtends(node: ts.Node): boolean {
  return ts.isExpressionWithTypeArguments(node) && ts.isHeritageClause(node.parent) && node.parent.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(node.parent.parent);
}

/** A `declare const process` binds nothing at run time, so it does not hide the global. */
function isAmbient(declaration: ts.Declaration): boolean {
  return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Ambient) !== 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A program of one file, no lib and no imports followed: names bind to locals or to nothing (a global). */
function bindOneFile(file: string, sourceText: string): { sourceFile: ts.SourceFile; checker: ts.TypeChecker } {
  const fileName = `/purity/${file}`;
  const sourceFile = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === fileName ? sourceFile : undefined),
    getDefaultLibFileName: () => '/purity/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/purity',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };
  const program = ts.createProgram({ rootNames: [fileName], options, host });
  return { sourceFile, checker: program.getTypeChecker() };
}
