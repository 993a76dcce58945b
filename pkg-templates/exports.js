// The package's public names, written once for every runtime entry.
export {
  TaskProfilesClient, TaskProfilesError, TaskStats, TaskTaxonomy, toList, toHierarchy, convertPage, formatPage,
  clientCredentials,
} from "./api.js";
