// One employee in both shapes, side by side: the record as received, and the other shape made
// by the package (`toList`, or `toHierarchy` with the learned taxonomy, else grouped by AI impact).
import { toHierarchy, toList } from "task-profiles";
import { Dataset, isHierarchy } from "./dataset";
import type { Profile } from "./protocol";

export function profileOf(dataset: Dataset, employee: number): Profile {
  const record = dataset.record(employee);
  if (isHierarchy(record)) {
    return { employee, externalId: record.external_id, list: toList(record), hierarchy: record, hierarchyFrom: "received" };
  }
  const byTaxonomy = dataset.taxonomy.size > 0;
  const hierarchy = byTaxonomy ? toHierarchy(record, { taxonomy: dataset.taxonomy }) : toHierarchy(record, { groupBy: ["ai_impact_level"] });
  return { employee, externalId: record.external_id, list: record, hierarchy, hierarchyFrom: byTaxonomy ? "taxonomy" : "ai_impact_level" };
}
