-- How many events each cutover's log holds (issue 15, load): GET .../events answers the exact total
-- with every page, without counting the cutover's events for it. The row is inserted with its cutover
-- and bumped in the same transaction as each event's insert, so it is exact whatever order ids commit
-- in and on every instance.
CREATE TABLE cutover_event_total (
    cutover_id  VARCHAR(36) NOT NULL PRIMARY KEY,
    events      BIGINT      NOT NULL,
    CONSTRAINT cutover_event_total_cutover_fk FOREIGN KEY (cutover_id) REFERENCES cutover (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO cutover_event_total (cutover_id, events)
SELECT c.id, COALESCE(e.events, 0)
FROM cutover c
LEFT JOIN (SELECT cutover_id, COUNT(*) AS events FROM cutover_event GROUP BY cutover_id) e ON e.cutover_id = c.id;
