-- Views of other Kitchens left absent by a SQL node (their table was gone) are recorded as
-- `views.sync` operations; the janitor brings them back once the table is (issue 9 finding 4).
ALTER TABLE "operations" DROP CONSTRAINT "operations_kind_check";
ALTER TABLE "operations" ADD CONSTRAINT "operations_kind_check"
  CHECK ("kind" IN ('kitchen.create', 'kitchen.delete', 'kitchen.merge', 'views.rebind', 'views.sync'));
