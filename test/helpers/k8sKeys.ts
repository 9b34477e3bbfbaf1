import ts from 'typescript';
import { resolve } from 'node:path';

/**
 * kubernetes-models validates values but lets unknown keys through (a typo like `backofLimit` passes):
 * this walks an object against the package's own TypeScript interfaces (IJob, IConfigMap…) and lists
 * every key the Kubernetes API type does not declare, with its path.
 */
const MODELS = resolve(import.meta.dirname, '../../node_modules');

// A TypeScript program takes a second or so to build: one per interface is enough.
const built = new Map<string, { checker: ts.TypeChecker; type: ts.Type }>();

function checkerFor(modulePath: string, typeName: string): { checker: ts.TypeChecker; type: ts.Type } {
  const key = `${modulePath}#${typeName}`;
  const known = built.get(key);
  if (known) return known;
  const made = buildChecker(modulePath, typeName);
  built.set(key, made);
  return made;
}

function buildChecker(modulePath: string, typeName: string): { checker: ts.TypeChecker; type: ts.Type } {
  const file = resolve(MODELS, `${modulePath}.d.ts`);
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const symbol = checker.getSymbolAtLocation(source);
  const exported = symbol ? checker.getExportsOfModule(symbol).find((s) => s.name === typeName) : undefined;
  if (!exported) throw new Error(`${typeName} is not exported by ${file}`);
  return { checker, type: checker.getDeclaredTypeOfSymbol(exported) };
}

// Optional fields are `T | undefined`, arrays `T[]`: look through both to the object type that names the keys.
function objectTypesOf(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const parts = type.isUnion() ? type.types : [type];
  return parts.flatMap((t) => {
    if (checker.isArrayType(t)) return objectTypesOf(checker, checker.getTypeArguments(t as ts.TypeReference)[0]!);
    return t.flags & ts.TypeFlags.Object ? [t] : [];
  });
}

function walk(checker: ts.TypeChecker, type: ts.Type, value: unknown, path: string, unknown: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(checker, type, item, `${path}[${i}]`, unknown));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const candidates = objectTypesOf(checker, type);
  if (candidates.length === 0) return;
  for (const [key, child] of Object.entries(value)) {
    const holder = candidates.find((t) => t.getProperty(key) ?? t.getStringIndexType());
    if (!holder) {
      unknown.push(`${path}.${key}`);
      continue;
    }
    const property = holder.getProperty(key);
    const childType = property ? checker.getTypeOfSymbol(property) : holder.getStringIndexType()!;
    walk(checker, childType, child, `${path}.${key}`, unknown);
  }
}

/** Paths of keys in `value` that the named kubernetes-models interface does not declare (empty: none). */
export function unknownKeys(value: unknown, modulePath: string, typeName: string): string[] {
  const { checker, type } = checkerFor(modulePath, typeName);
  const unknown: string[] = [];
  walk(checker, type, value, '', unknown);
  return unknown;
}
