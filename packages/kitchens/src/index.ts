// Kitchen use cases: create, delete, files, merges, staff, variables, git access.
export * from "./schemas";
export { kitchenAccess, kitchenDenial, type KitchenNeed, type KitchenAccess, type KitchenFacts } from "./policy";
export { warehouseSchemas, authorOf, type KitchensDeps, type KitchenGit, type KitchenActor, type WarehousePort, type EnvironmentWarehouse, type SchemaPort } from "./deps";
export { EnvironmentWarehouses, type EnvironmentWarehousesOptions } from "./environment-warehouses";
export { getKitchenForActorOrThrow, accessOf, type KitchenRecord } from "./access";
export { createKitchen, type CreateKitchenReport, type CreatedKitchen } from "./create-kitchen";
export { deleteKitchen, type DeleteKitchenResult } from "./delete-kitchen";
export { getKitchenDetail, type KitchenVariableView } from "./get-kitchen";
export { listKitchenTables } from "./list-tables";
export { updateKitchen } from "./update-kitchen";
export { addKitchenStaff } from "./add-staff";
export { removeKitchenStaff } from "./remove-staff";
export { setKitchenVariable } from "./set-variable";
export { deleteKitchenVariable } from "./delete-variable";
export { listKitchenFiles } from "./list-files";
export { readKitchenFile } from "./read-file";
export { saveKitchenFile, type SaveFileInput } from "./save-file";
export { validateKitchenFile } from "./validate-file";
export { type FileError } from "./pipeline-errors";
export { kitchenHistory } from "./kitchen-history";
export { getKitchenCommit } from "./get-commit";
export { revertKitchenCommit } from "./revert-commit";
export { compareWithParent } from "./compare-with-parent";
export { previewMerge, mergeKitchen, type MergeOutcome, type MergePreviewResult } from "./merge-kitchen";
export { resolveMerge } from "./resolve-merge";
export { abortMerge } from "./abort-merge";
export { getMerge, type MergeView } from "./get-merge";
export { authorizeGitPush, markBranchesActive, visibleGitBranches } from "./git-push";
export { StepRunner, type StepTiming, type UndoOutcome } from "./steps";
export {
  ZMergeRules,
  defaultMergeRules,
  effectiveMergeRules,
  evaluateRequest,
  mayMerge,
  mergerWords,
  checkStateOf,
  changedPipelines,
  fitsRule,
  type TMergeRules,
  type CheckState,
  type CheckFact,
  type ReviewFact,
  type RequestFacts,
  type RequestVerdict,
} from "./merge-rules";
export { setMergeRules, getMergeRules } from "./set-merge-rules";
export { mergePairOf } from "./merge-pair";
export { appendAudit, kitchenTarget, findLiveById, findAnyById } from "./kitchen-repository";
export { repairOperations, startJanitor, JANITOR_LOCK, type JanitorReport, type JanitorDeps } from "./janitor";
export { Operation, crashAt, findOperationsBySubject, findInterruptedOperations, type OperationRecord, type OperationKind, type Checkpoint } from "./operations";
export { viewJournal } from "./view-journal";
export { recordLostViews } from "./lost-views";
export { KitchenDirectory, loadKitchenDirectory, type DirectoryKitchen, type DirectoryStaff } from "./kitchen-directory";
export { treeView, moreRoots, childrenPage, searchKitchens, kitchensPage, isListedFor, TREE_CHILD_LIMIT, TREE_TOTAL_LIMIT, TREE_PAGE_LIMIT, type TreeViewNode } from "./kitchen-tree-view";
export { getEnvironmentForUser, type EnvironmentView } from "./get-environment";
