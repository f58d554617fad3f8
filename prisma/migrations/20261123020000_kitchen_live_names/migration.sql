-- A deleted Kitchen keeps its row (history) but frees its name and branch.
DROP INDEX "kitchens_name_key";
DROP INDEX "kitchens_branch_key";
CREATE UNIQUE INDEX "kitchens_live_name_key" ON "kitchens" ("name") WHERE "deleted_at" IS NULL;
CREATE UNIQUE INDEX "kitchens_live_branch_key" ON "kitchens" ("branch") WHERE "deleted_at" IS NULL;
CREATE INDEX "kitchens_name_idx" ON "kitchens" ("name");
CREATE INDEX "kitchens_parent_id_idx" ON "kitchens" ("parent_id");
