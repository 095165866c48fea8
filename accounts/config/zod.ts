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

/** A strict object whose unknown-key error names each unknown key and what is allowed. */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const described = issue.keys.map((key) => {
        const hint = closest(key, allowed);
        const shown = JSON.stringify(truncate(key));
        return hint ? `${shown} (did you mean "${hint}"?)` : shown;
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
