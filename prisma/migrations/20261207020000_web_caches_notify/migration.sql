-- Each web process caches who a session or access token belongs to, and the directory of live
-- Kitchens (names, parents, staff, privacy, environments, open merge requests' reviewers) that the
-- access policy and the Kitchen tree read. Both caches are dropped when these NOTIFYs arrive on
-- the process's one LISTEN connection (apps/web/lib/run-hub.ts):
--   galley_auth      a session or access token was deleted (sign-out, revocation, expiry), or a
--                    user's role, name, email or disabled flag changed;
--   galley_kitchens  anything the Kitchen directory holds changed.
-- Statement-level with transition tables, like dashboard_notify: one notification per statement
-- that really changed a row (PostgreSQL folds identical ones in a transaction), none otherwise.
CREATE FUNCTION galley_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    PERFORM pg_notify(TG_ARGV[0], '');
  END IF;
  RETURN NULL;
END $$;

-- A session's lastSeenAt is touched once a minute per active session: only deletions matter.
CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_auth');
CREATE TRIGGER access_tokens_notify_delete AFTER DELETE ON access_tokens REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_auth');

-- A user's role, flag, name or email: who they are to both caches (staff lists show names).
CREATE FUNCTION galley_notify_users_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.role, n.disabled, n.name, n.email) IS DISTINCT FROM (o.role, o.disabled, o.name, o.email)
  ) THEN
    PERFORM pg_notify('galley_auth', '');
    PERFORM pg_notify('galley_kitchens', '');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER users_notify_update AFTER UPDATE ON users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_users_changed();

CREATE TRIGGER kitchens_notify_insert AFTER INSERT ON kitchens REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER kitchens_notify_update AFTER UPDATE ON kitchens REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER kitchens_notify_delete AFTER DELETE ON kitchens REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER kitchen_staff_notify_insert AFTER INSERT ON kitchen_staff REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER kitchen_staff_notify_update AFTER UPDATE ON kitchen_staff REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER kitchen_staff_notify_delete AFTER DELETE ON kitchen_staff REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER merge_requests_notify_insert AFTER INSERT ON merge_requests REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER merge_requests_notify_update AFTER UPDATE ON merge_requests REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER merge_requests_notify_delete AFTER DELETE ON merge_requests REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER environments_notify_insert AFTER INSERT ON environments REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER environments_notify_update AFTER UPDATE ON environments REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
CREATE TRIGGER environments_notify_delete AFTER DELETE ON environments REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_changed('galley_kitchens');
