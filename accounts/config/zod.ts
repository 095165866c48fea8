import { z } from "zod";
import { truncate } from "./raw-input";

/**
 * zod helpers every section of the config schema uses: strict objects whose unknown-key errors
 * suggest the key meant, and whole numbers with one message that states their range.
 */

/** Levenshtein distance, for "did you mean" hints on misspelled keys. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Words people use for a section that has another name here (lowercase), and the section they
 * mean: spelling distance cannot find these.
 */
const SECTION_WORDS: Record<string, string> = {
  network: "vpc",
  networking: "vpc",
  subnets: "vpc",
  s3: "buckets",
  storage: "buckets",
  bucket: "buckets",
  lifecycle: "buckets",
  studio: "sagemaker",
  domain: "sagemaker",
  personas: "sagemaker",
  registry: "sagemaker",
  tracking: "mlflow",
  trackingserver: "mlflow",
  backend: "state",
  terraformstate: "state",
  github: "ci",
  pipeline: "ci",
  consumers: "datasetAccess",
  datasetconsumers: "datasetAccess",
  datasets: "datasetAccess",
  grants: "datasetAccess",
  id: "accountId",
  account: "accountId",
  kind: "type",
};

/** The fields of a section's schema (through wrappers, and of the entries of a list). */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: { _zod?: { def?: SchemaDef } };
  readonly element?: { _zod?: { def?: SchemaDef } };
  readonly shape?: Record<string, unknown>;
}

function fieldsOf(schema: unknown): string[] {
  let def = (schema as { _zod?: { def?: SchemaDef } })._zod?.def;
  while (def && ["optional", "default", "prefault", "nullable", "array"].includes(def.type)) {
    def = (def.type === "array" ? def.element : def.innerType)?._zod?.def;
  }
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** What an unknown key most likely meant, said as a hint; undefined when nothing fits. */
function hintFor(
  key: string,
  allowed: readonly string[],
  parents: Map<string, string>,
): string | undefined {
  const close = closest(key, allowed);
  if (close) return `did you mean "${close}"?`;
  const word = SECTION_WORDS[key.toLowerCase().replace(/[-_ ]/g, "")];
  if (word !== undefined && allowed.includes(word)) return `did you mean "${word}"?`;
  const parent = parents.get(key);
  if (parent !== undefined) return `it belongs under "${parent}"`;
  return undefined;
}

/** A strict object whose unknown-key error names each unknown key and what is allowed. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  // A field of a section written one level too high (`cidr` beside `vpc`) names its section.
  const parents = new Map<string, string>();
  for (const [name, field] of Object.entries(shape)) {
    for (const child of fieldsOf(field)) if (!parents.has(child)) parents.set(child, name);
  }
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const described = issue.keys.map((key) => {
        const hint = hintFor(key, allowed, parents);
        const shown = JSON.stringify(truncate(key));
        return hint ? `${shown} (${hint})` : shown;
      });
      return `unknown key ${described.join(", ")}; allowed keys: ${allowed.join(", ")}`;
    },
  });
}

/** A whole number in [min, max], with one message that states the range. */
export function intBetween(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** What a cross-field check reports its problems to. */
export type IssueSink<T> = z.RefinementCtx<T>;

/**
 * One of a list of names, refused with the nearest name when the input looks like a misspelling
 * of one, and with the whole list otherwise.
 */
export function oneOf<T extends string>(values: readonly [T, ...T[]], what: string) {
  return z.enum(values as [T, ...T[]], {
    error: (issue) => {
      const near = typeof issue.input === "string" ? closest(issue.input, values) : undefined;
      return near === undefined
        ? `must be ${what}: ${values.join(", ")}`
        : `must be ${what} (did you mean "${near}"?)`;
    },
  });
}
