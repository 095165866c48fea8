/** The monitoring section's rules across fields, both sides of each. */
import { problemsOf } from "../../helpers";

describe("monitoring config", () => {
  test("a subscription listed twice (addresses compare without case) is one line", () => {
    expect(
      problemsOf((c) => {
        c.monitoring = {
          subscriptions: [
            { protocol: "email", endpoint: "secops@example.com" },
            { protocol: "email", endpoint: "SecOps@example.com" },
            { protocol: "https", endpoint: "https://secops.example.com/" },
          ],
        };
      }),
    ).toEqual([
      'monitoring.subscriptions[1].endpoint: "SecOps@example.com" is listed twice; each subscription once',
    ]);
    expect(
      problemsOf((c) => {
        c.monitoring = {
          subscriptions: [
            { protocol: "email", endpoint: "secops@example.com" },
            { protocol: "email", endpoint: "ml-oncall@example.com" },
          ],
        };
      }),
    ).toEqual([]);
  });

  test("stopping jobs needs the alerts that say so", () => {
    expect(problemsOf((c) => (c.monitoring = { alerts: false, stopUnguardedJobs: true }))).toEqual([
      "monitoring.stopUnguardedJobs: true needs alerts: a job is stopped without anyone being told otherwise; set alerts: true",
    ]);
    expect(problemsOf((c) => (c.monitoring = { alerts: true, stopUnguardedJobs: true }))).toEqual(
      [],
    );
    expect(problemsOf((c) => (c.monitoring = { alerts: false }))).toEqual([]);
  });

  test("at most 20 subscriptions; a reader that is no role name is refused", () => {
    const many = Array.from({ length: 21 }, (_, i) => ({
      protocol: "email",
      endpoint: `a${i}@example.com`,
    }));
    expect(problemsOf((c) => (c.monitoring = { subscriptions: many }))).toEqual([
      "monitoring.subscriptions: must list at most 20 subscriptions",
    ]);
    expect(problemsOf((c) => (c.monitoring = { subscriptions: many.slice(0, 20) }))).toEqual([]);
    expect(
      problemsOf((c) => (c.monitoring = { trail: { readerRoleNames: ["auditor role"] } })),
    ).toEqual([
      'monitoring.trail.readerRoleNames[0]: "auditor role" must be an IAM role name: 1 to 64 letters, digits or + = , . @ _ -',
    ]);
  });
});
