-- Metric gates (metric-gate, and the metric guard of a dns-shift) chart their samples next to the
-- lag gates'. kind says which: 'lag' rows keep lag_ms and threshold_ms as before; 'metric' rows
-- leave them NULL. Every row now also has a decimal sample_value (NULL when there was no value —
-- no data is never stored as 0) with its unit, and the pass / failWhen conditions as an operator
-- and a number a chart can draw (a lag gate's pass is lag <= maxLag). verdict of a metric row is
-- pass, fail (missed pass), fail-when or no-data. Existing lag rows read as unit 'ms'.
ALTER TABLE gate_sample ADD COLUMN kind VARCHAR(10) DEFAULT 'lag' NOT NULL;
ALTER TABLE gate_sample ADD COLUMN sample_value DOUBLE PRECISION;
ALTER TABLE gate_sample ADD COLUMN unit VARCHAR(32);
ALTER TABLE gate_sample ADD COLUMN pass_op VARCHAR(2);
ALTER TABLE gate_sample ADD COLUMN pass_value DOUBLE PRECISION;
ALTER TABLE gate_sample ADD COLUMN pass_text VARCHAR(64);
ALTER TABLE gate_sample ADD COLUMN fail_when_op VARCHAR(2);
ALTER TABLE gate_sample ADD COLUMN fail_when_value DOUBLE PRECISION;
ALTER TABLE gate_sample ADD COLUMN fail_when_text VARCHAR(64);
ALTER TABLE gate_sample ALTER COLUMN threshold_ms SET NULL;
UPDATE gate_sample SET sample_value = lag_ms, unit = 'ms', pass_op = '<=', pass_value = threshold_ms,
    pass_text = CONCAT('<= ', CAST(threshold_ms AS VARCHAR(20)));
