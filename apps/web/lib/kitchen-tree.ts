import type { TKitchenRow } from "./read-models/kitchens";

export interface TreeNode {
  kitchen: TKitchenRow;
  children: TreeNode[];
}

/** Parent links → forest, order kept. A Kitchen whose parent the viewer cannot see becomes a root. */
export function buildTree(rows: TKitchenRow[]): TreeNode[] {
  const nodes = new Map(rows.map((k) => [k.name, { kitchen: k, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.kitchen.parent ? nodes.get(node.kitchen.parent) : undefined;
    (parent && parent !== node ? parent.children : roots).push(node);
  }
  return roots;
}
