-- Who set up a server's daily question (told in a DM when posting stops on a refusal), and
-- the latest problem that did not stop it (a post still being retried, a reveal that failed):
-- shown to that server's admin in /daily status, cleared by the next post that gets through.
ALTER TABLE daily_schedules ADD COLUMN set_up_by INTEGER;
ALTER TABLE daily_schedules ADD COLUMN problem TEXT;
