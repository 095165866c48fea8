import { ServicequotasServiceQuota } from "@cdktf/provider-aws/lib/servicequotas-service-quota";
import type { PlatformStack } from "../stacks/platform-stack";

/**
 * The SageMaker quotas the account's config asks for (`sagemakerQuotas`: GPU training and
 * hosting instance counts), requested through Service Quotas, one resource per quota code (its
 * address: `aws_servicequotas_service_quota.sagemaker-quota-<code>`).
 *
 * What Service Quotas does with it (docs/deploying.md): a value above the account's current one
 * opens an increase request, which AWS may approve later, partly, or not at all (the plan shows the
 * difference until then); only one request per quota may be open; the provider refuses a value
 * below the current one when it creates the resource; removing an entry lowers nothing.
 */
export function addSageMakerQuotas(stack: PlatformStack): void {
  for (const quota of stack.account.sagemakerQuotas) {
    new ServicequotasServiceQuota(stack, `sagemaker-quota-${quota.code}`, {
      serviceCode: "sagemaker",
      quotaCode: quota.code,
      value: quota.value,
    });
  }
}
