package dev.cutover.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

/**
 * A MariaDB source on the host end of a {@link FaultyLink} and its replica inside the namespace,
 * replicating across the veth with GTIDs and a heartbeat every second, caught up at first: the pair
 * the fault tests cut, never the test stack's shared one. {@code setupSql} runs on the source before
 * replication starts (schema, users), so the replica starts with it.
 */
public record PrivateReplicationPair(FaultyLink link, PrivateMariaDb source, PrivateMariaDb replica, int sourcePort)
        implements AutoCloseable {

    public static PrivateReplicationPair start(int sourcePort, int firstServerId, String setupSql) throws IOException {
        FaultyLink link = FaultyLink.create();
        PrivateMariaDb source = null;
        PrivateMariaDb replica = null;
        try {
            source = PrivateMariaDb.startOnHostEnd(link, sourcePort, firstServerId, "");
            replica = PrivateMariaDb.start(link, firstServerId + 1, "read_only = ON");
            source.sql(setupSql);
            replica.sql("CHANGE MASTER TO MASTER_HOST='" + source.host() + "', MASTER_PORT=" + sourcePort + ","
                    + " MASTER_USER='replicator', MASTER_PASSWORD='replicator', MASTER_USE_GTID=slave_pos,"
                    + " MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1; START SLAVE;");
            assertThat(replica.sql("SELECT MASTER_GTID_WAIT('" + source.sql("SELECT @@gtid_binlog_pos") + "', 20)"))
                    .as("the replica catching up at first").isEqualTo("0");
            return new PrivateReplicationPair(link, source, replica, sourcePort);
        } catch (IOException | RuntimeException | Error e) {
            new PrivateReplicationPair(link, source, replica, sourcePort).close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : new AutoCloseable[] { replica, source, link }) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // the link's close stops whatever is left
            }
        }
    }
}
