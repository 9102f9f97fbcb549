package dev.cutover.storage.sync;

import javax.sql.DataSource;
import org.springframework.integration.jdbc.store.channel.ChannelMessageStoreQueryProvider;
import org.springframework.integration.jdbc.store.channel.H2ChannelMessageStoreQueryProvider;
import org.springframework.integration.jdbc.store.channel.MySqlChannelMessageStoreQueryProvider;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * The partition request table's queries. A worker takes a request in a transaction that stays open until
 * its partition is recorded as running ({@link PartitionWorkers}); Spring Integration's queries assume the
 * poll (a select, then a delete) autocommits. Here a take locks its row and touches no other: the other
 * workers, threads or instances sharing the database, skip it rather than wait for it.
 */
final class PartitionRequestQueries {

    private PartitionRequestQueries() {
    }

    static ChannelMessageStoreQueryProvider of(DataSource dataSource) throws MetaDataAccessException {
        String product = JdbcUtils.commonDatabaseName(JdbcUtils.extractDatabaseMetaData(dataSource,
                metaData -> metaData.getDatabaseProductName()));
        return product != null && (product.contains("MySQL") || product.contains("MariaDB")) ? new MySql() : new H2();
    }

    /**
     * MySQL 8 / MariaDB 10.6+: the poll selects {@code FOR UPDATE SKIP LOCKED} already. The delete by message
     * id is run on the table's primary key on a small table (a range over the whole group), and under
     * REPEATABLE READ locks every row it reads: it waits for the rows other workers' open takes hold, and two
     * takes deadlock (MariaDB 10.11). Through the message id index it locks only its own row.
     */
    static final class MySql extends MySqlChannelMessageStoreQueryProvider {

        @Override
        public String getDeleteMessageQuery() {
            return """
                    DELETE m FROM %PREFIX%CHANNEL_MESSAGE m FORCE INDEX (INT_CHANNEL_MSG_DELETE_IDX)
                    WHERE m.MESSAGE_ID = ? AND m.GROUP_KEY = ? AND m.REGION = ?""";
        }
    }

    /**
     * H2 2.x knows {@code SKIP LOCKED}; Spring Integration's H2 poll does not ask for it, so another worker would
     * read the row an open take deleted, wait on its delete, then find it gone. H2 sorts the group through the
     * message id index and locks every row it read: while a take is open the others find no request at all and
     * poll again (a take lasts milliseconds; H2 serves one instance).
     */
    static final class H2 extends H2ChannelMessageStoreQueryProvider {

        private static final String SKIP_LOCKED = " FOR UPDATE SKIP LOCKED";

        @Override
        public String getPollFromGroupQuery() {
            return super.getPollFromGroupQuery() + SKIP_LOCKED;
        }

        @Override
        public String getPollFromGroupExcludeIdsQuery() {
            return super.getPollFromGroupExcludeIdsQuery() + SKIP_LOCKED;
        }

        @Override
        public String getPriorityPollFromGroupQuery() {
            return super.getPriorityPollFromGroupQuery() + SKIP_LOCKED;
        }

        @Override
        public String getPriorityPollFromGroupExcludeIdsQuery() {
            return super.getPriorityPollFromGroupExcludeIdsQuery() + SKIP_LOCKED;
        }
    }
}
