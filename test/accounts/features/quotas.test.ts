/** SageMaker quotas from config (`sagemakerQuotas`), requested through Service Quotas. */
import { goodFixture, problemsOf, resourcesOf, synthPlatform, synthWith } from "../../helpers";

describe("SageMaker quotas", () => {
  test("each configured quota is one request, at an address named by its code", () => {
    const json = synthWith((c) => {
      c.accounts.prod.sagemakerQuotas = [
        { code: "L-1194F27D", value: 4, why: "ml.g5.xlarge endpoints for the churn model" },
        { code: "L-2D3A1F4B", value: 2, why: "ml.p4d.24xlarge endpoints for the LLM" },
      ];
    });
    expect(resourcesOf(json.prod, "aws_servicequotas_service_quota")).toEqual({
      "sagemaker-quota-L-1194F27D": {
        service_code: "sagemaker",
        quota_code: "L-1194F27D",
        value: 4,
      },
      "sagemaker-quota-L-2D3A1F4B": {
        service_code: "sagemaker",
        quota_code: "L-2D3A1F4B",
        value: 2,
      },
    });
    expect(resourcesOf(json.dev, "aws_servicequotas_service_quota")).toEqual({});
  });

  test("none by default; full.yaml asks for one in the data science account", () => {
    expect(resourcesOf(synthPlatform().json.prod, "aws_servicequotas_service_quota")).toEqual({});
    const full = synthPlatform(goodFixture("full.yaml")).json;
    expect(Object.keys(resourcesOf(full.dev, "aws_servicequotas_service_quota"))).toEqual([
      "sagemaker-quota-L-1194F27D",
    ]);
  });

  test("a malformed code, a code twice, no reason: one line each", () => {
    expect(
      problemsOf((c) => {
        c.accounts.prod.sagemakerQuotas = [
          { code: "l-1194f27d", value: 4, why: "ml.g5.xlarge endpoints" },
        ];
        c.accounts.staging.sagemakerQuotas = [
          { code: "L-1194F27D", value: 4, why: "ml.g5.xlarge endpoints" },
          { code: "L-1194F27D", value: 8, why: "ml.g5.xlarge endpoints" },
        ];
        c.accounts.dev.sagemakerQuotas = [{ code: "L-1194F27D", value: 4, why: "gpu" }];
      }),
    ).toEqual([
      'accounts.dev.sagemakerQuotas[0].why: "gpu" must say why, in at least 10 characters',
      "accounts.staging.sagemakerQuotas: must not list a quota code twice",
      'accounts.prod.sagemakerQuotas[0].code: "l-1194f27d" must be a Service Quotas quota code such as L-1194F27D (see docs/deploying.md)',
    ]);
  });
});
