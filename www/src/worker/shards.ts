// Uploaded TaskStats shards (the JSON of `TaskStats.toJSON()`, e.g. one per worker or per
// department) merged into one: the statistics combine exactly, whatever the order.
import { TaskStats } from "task-profiles";
import { located } from "./errors";

export async function mergeShards(files: readonly File[]): Promise<TaskStats> {
  let merged: TaskStats | null = null;
  for (const file of files) {
    let shard: TaskStats;
    try {
      shard = TaskStats.fromJSON(await file.text());
    } catch (e) {
      throw located(e, file.name);
    }
    merged = merged ? merged.merge(shard) : shard;
  }
  if (!merged) throw located(new Error("no file was given"), "shards");
  return merged;
}

/** Whether a file's start looks like a TaskStats shard rather than records or pages. */
export function looksLikeShard(head: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"task-profiles\/task-stats"/.test(head);
}
