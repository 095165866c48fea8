import type { Construct } from "constructs";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/**
 * The data science account (dev): where data scientists work and models are trained,
 * registered and stored.
 */
export class DataScienceAccountStack extends PlatformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    if (this.account.type !== "data-science") {
      throw new Error(`${id}: DataScienceAccountStack needs an account of type "data-science"`);
    }
    this.useAccountStateBackend();
  }
}
