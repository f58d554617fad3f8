-- Environments and Kitchens had a free-text "alert channel" that delivered nothing: alerts go to
-- a Kitchen's alert routes (alert_routes, URLs in the vault). The label only misled; it goes.
ALTER TABLE "environments" DROP COLUMN "alert_channel";
ALTER TABLE "kitchens" DROP COLUMN "alert_channel";
