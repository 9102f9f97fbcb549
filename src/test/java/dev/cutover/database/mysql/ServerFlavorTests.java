package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerFlavorTests {

    @Test
    void mariaDbKeepsItsOwnStatementsAndHasNoSuperReadOnly() {
        ServerFlavor flavor = ServerFlavor.of("10.11.19-MariaDB-0+deb12u1-log");

        assertThat(flavor.mariaDb()).isTrue();
        assertThat(flavor.binaryLogStatusSql()).isEqualTo("SHOW MASTER STATUS");
        assertThat(flavor.waitForGtidsSql()).contains("MASTER_GTID_WAIT");
        assertThat(flavor.executedGtidsSql()).contains("gtid_slave_pos");
        assertThat(flavor.hasSuperReadOnly()).isFalse();
    }

    @Test
    void mySql84UsesTheRenamedStatements() {
        ServerFlavor flavor = ServerFlavor.of("8.4.3");

        assertThat(flavor.mariaDb()).isFalse();
        assertThat(flavor.binaryLogStatusSql()).isEqualTo("SHOW BINARY LOG STATUS");
        assertThat(flavor.waitForGtidsSql()).contains("WAIT_FOR_EXECUTED_GTID_SET");
        assertThat(flavor.waitForPositionSql()).contains("SOURCE_POS_WAIT");
        assertThat(flavor.hasSuperReadOnly()).isTrue();
        assertThat(ServerFlavor.of("8.0.36").binaryLogStatusSql()).isEqualTo("SHOW MASTER STATUS");
    }

    @Test
    void refusesServersTooOldForTheReplicaStatement() {
        assertThatThrownBy(() -> ServerFlavor.of("5.7.44-log")).hasMessageContaining("8.0.23 or newer");
        assertThatThrownBy(() -> ServerFlavor.of("10.4.32-MariaDB")).hasMessageContaining("10.5.1 or newer");
    }
}
