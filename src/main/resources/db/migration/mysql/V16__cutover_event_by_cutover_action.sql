-- The forecast reads the step events of earlier rehearsals: per rehearsal, a range of this index
-- (cutover_id, action) in id order, instead of every event of those cutovers filtered by action.
CREATE INDEX cutover_event_by_cutover_action ON cutover_event (cutover_id, action, id);
