package dev.cutover.testpeers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the peers handed out by {@link TestPeers} are real servers: a row written on the source
 * shows up on the replica through replication, and the S3 endpoint answers S3 requests.
 */
class TestStackTests {

    private static final Duration REPLICATION_WAIT = Duration.ofSeconds(10);

    @Test
    void rowWrittenOnSourceIsReplicatedToReplica() throws Exception {
        TestPeers.MySqlPair pair = TestPeers.mariaDb();
        String table = "peer_check_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String marker = "written-on-source-" + System.nanoTime();

        try (Connection source = pair.openSource(); Connection replica = pair.openReplica()) {
            assertThat(serverId(source)).as("source and replica are two servers").isNotEqualTo(serverId(replica));
            assertThat(replicationThreadsRunning(replica)).as("replica's IO and SQL threads run").isTrue();

            try (Statement st = source.createStatement()) {
                st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, note VARCHAR(64) NOT NULL)");
            }
            try (PreparedStatement insert = source.prepareStatement("INSERT INTO " + table + " VALUES (1, ?)")) {
                insert.setString(1, marker);
                insert.executeUpdate();
            }
            try {
                assertThat(awaitNoteOnReplica(replica, table)).isEqualTo(marker);
            }
            finally {
                try (Statement st = source.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }

    @Test
    void s3EndpointAnswersS3Requests() throws Exception {
        URI endpoint = TestPeers.s3Endpoint();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> listBuckets = http.send(HttpRequest.newBuilder(endpoint.resolve("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listBuckets.statusCode()).isEqualTo(200);
        assertThat(listBuckets.body()).contains("ListAllMyBucketsResult");

        String bucket = "peer-check-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(endpoint.resolve("/" + bucket))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(endpoint.resolve("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.body()).contains("<Name>" + bucket + "</Name>");
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(endpoint.resolve("/" + bucket)).DELETE()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
    }

    private static String awaitNoteOnReplica(Connection replica, String table) throws Exception {
        long deadline = System.nanoTime() + REPLICATION_WAIT.toNanos();
        while (true) {
            try (Statement st = replica.createStatement();
                    ResultSet rs = st.executeQuery("SELECT note FROM " + table + " WHERE id = 1")) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
            catch (SQLException tableNotThereYet) {
                if (System.nanoTime() > deadline) {
                    throw tableNotThereYet;
                }
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            Thread.sleep(100);
        }
    }

    private static long serverId(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** MariaDB says Slave_*_Running, MySQL 8.4 says Replica_*_Running; both accept SHOW REPLICA STATUS. */
    private static boolean replicationThreadsRunning(Connection replica) throws SQLException {
        try (Statement st = replica.createStatement(); ResultSet rs = st.executeQuery("SHOW REPLICA STATUS")) {
            if (!rs.next()) {
                return false;
            }
            boolean mysql = hasColumn(rs, "Replica_IO_Running");
            String io = rs.getString(mysql ? "Replica_IO_Running" : "Slave_IO_Running");
            String sql = rs.getString(mysql ? "Replica_SQL_Running" : "Slave_SQL_Running");
            return "Yes".equals(io) && "Yes".equals(sql);
        }
    }

    private static boolean hasColumn(ResultSet rs, String label) throws SQLException {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            if (label.equalsIgnoreCase(rs.getMetaData().getColumnLabel(i))) {
                return true;
            }
        }
        return false;
    }
}
