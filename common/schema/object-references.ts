import { formatFieldPath } from './field-path.js';
import type { FieldError } from './parse.js';
import type { Kind, ObjectOf } from './resource-types.js';
import { checkStateMachine } from './states-language-checks.js';
import { workflowFunctions } from './workflow.js';

/** Another object an object names, and the field that names it. */
export interface ObjectReference {
  kind: string;
  namespace?: string | undefined;
  name: string;
  path: string;
}

/**
 * Per kind: the objects it names (checked to exist when a tree of manifests is loaded) and warnings
 * about it that do not stop it from being applied. Kinds that name nothing are absent.
 */
const notes: { [K in Kind]?: { references?: (o: ObjectOf<K>) => ObjectReference[]; warnings?: (o: ObjectOf<K>) => FieldError[] } } = {
  Workflow: {
    references: (w) => workflowFunctions(w).map((f) => ({ kind: 'Function', namespace: w.metadata.namespace, name: f.name, path: f.path })),
    warnings: (w) =>
      checkStateMachine(w.spec.definition)
        .filter((i) => i.severity === 'warning')
        .map((i) => ({ path: formatFieldPath(['spec', 'definition', ...i.path]), message: i.message })),
  },
};

type Notes<K extends Kind> = { references?: (o: ObjectOf<K>) => ObjectReference[]; warnings?: (o: ObjectOf<K>) => FieldError[] };

export function referencesOf<K extends Kind>(o: ObjectOf<K> & { kind: K }): ObjectReference[] {
  return (notes[o.kind] as Notes<K> | undefined)?.references?.(o) ?? [];
}

export function warningsOf<K extends Kind>(o: ObjectOf<K> & { kind: K }): FieldError[] {
  return (notes[o.kind] as Notes<K> | undefined)?.warnings?.(o) ?? [];
}
