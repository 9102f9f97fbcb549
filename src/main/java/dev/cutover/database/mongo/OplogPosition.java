package dev.cutover.database.mongo;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.cutover.database.WritePosition;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.BsonTimestamp;
import org.bson.Document;

/**
 * The primary's last write: the newest oplog entry that is not a no-op. No-ops are left out on
 * purpose: an idle primary writes one every 10 s (periodic no-op writer), so with a freeze by
 * {@code command} (iptables) the last applied optime would move although no client wrote anything.
 */
final class OplogPosition {

    private OplogPosition() {
    }

    static WritePosition of(ReplicaSet replicaSet, String primary) {
        Document last = replicaSet.client(primary).getDatabase("local").getCollection("oplog.rs")
                .find(Filters.ne("op", "n"))
                .sort(Sorts.descending("$natural")) // newest first without an index on ts
                .limit(1)
                .first();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("member", primary);
        if (last == null || !(last.get("ts") instanceof BsonTimestamp ts)) {
            detail.put("oplog", "no write entries");
            return new WritePosition(primary + " empty", detail);
        }
        String position = ts.getTime() + ":" + ts.getInc();
        detail.put("lastWriteTs", position);
        detail.put("term", String.valueOf(last.get("t")));
        detail.put("op", String.valueOf(last.get("op")));
        detail.put("ns", String.valueOf(last.get("ns")));
        if (last.get("wall") instanceof Date wall) {
            detail.put("wall", wall.toInstant().toString());
        }
        return new WritePosition(primary + " " + position, detail);
    }
}
