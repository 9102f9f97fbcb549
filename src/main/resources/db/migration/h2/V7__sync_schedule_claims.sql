-- A scheduled delta's start is claimed on its schedule row (only while ACTIVE); a pause waits
-- for claimed starts to finish, so no delta starts after a pause returned.
ALTER TABLE sync_schedule ADD COLUMN starting_since TIMESTAMP(6) WITH TIME ZONE;
