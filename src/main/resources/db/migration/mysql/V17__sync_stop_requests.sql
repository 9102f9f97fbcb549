-- A stop asked on one instance for a sync run copying on another (issue 14): the run's owner reads
-- this every 250 ms and stops between objects. Batch's own STOPPING/STOPPED status cannot say it: a
-- resumed run is RUNNING again on its old, STOPPED execution until the restart records the new one.
ALTER TABLE sync_run ADD COLUMN stop_requested BOOLEAN DEFAULT FALSE NOT NULL;
