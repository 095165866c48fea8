import { Construct, type IConstruct } from "constructs";
import { Aspects, TerraformResource, type TerraformProvider } from "./cdktf";

/**
 * A scope whose resources all use one provider (another region of the same account), so any
 * module can be placed in that region unchanged: modules never create providers themselves.
 */
export class RegionalScope extends Construct {
  constructor(
    scope: Construct,
    id: string,
    readonly provider: TerraformProvider,
  ) {
    super(scope, id);
    Aspects.of(this).add({
      visit(node: IConstruct) {
        if (TerraformResource.isTerraformResource(node) && node.provider === undefined)
          node.provider = provider;
      },
    });
  }
}
