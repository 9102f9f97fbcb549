-- A reservation of an Idempotency-Key names who holds it and until when, so a reservation left by a
-- request that never answered (the service died while running it) can be taken over instead of
-- answering 409 forever. Rows without a lease are from before this change: taken over when found.
ALTER TABLE idempotent_request ADD COLUMN holder_node VARCHAR(200);
ALTER TABLE idempotent_request ADD COLUMN holder_instance VARCHAR(64);
ALTER TABLE idempotent_request ADD COLUMN lease_until TIMESTAMP(6) WITH TIME ZONE;
