package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SHOW GRANTS as MariaDB 10.11 and MySQL 8.4 print it, read into privileges a preflight can compare. */
class MySqlGrantsTests {

    @Test
    void mariaDbNamesAreFoldedToOneSpelling() {
        MySqlGrants grants = MySqlGrants.parse(List.of(
                "GRANT REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `replicator`@`%` IDENTIFIED BY PASSWORD '*E6FA'",
                "GRANT SELECT, INSERT (note) ON `shop`.* TO `replicator`@`%`"));

        assertThat(grants.global()).containsExactlyInAnyOrder("REPLICATION REPLICA", "BINLOG MONITOR", "REPLICA MONITOR");
        assertThat(grants.holdsGlobally(Set.of("REPLICA MONITOR"))).isTrue();
        assertThat(grants.holdsGlobally(Set.of("READ_ONLY ADMIN", "SUPER"))).isFalse();
        assertThat(grants.holdsOn("shop", "SELECT")).isTrue();
        assertThat(grants.holdsOn("orders", "SELECT")).isFalse();
    }

    @Test
    void allPrivilegesCoverEverythingAndRolesAreListed() {
        MySqlGrants grants = MySqlGrants.parse(List.of(
                "GRANT ALL PRIVILEGES ON *.* TO `cutover`@`127.0.0.1` IDENTIFIED BY PASSWORD '*DDBB' WITH GRANT OPTION",
                "GRANT `dba_role` TO `cutover`@`127.0.0.1`"));

        assertThat(grants.holdsGlobally(Set.of("CONNECTION ADMIN"))).isTrue();
        assertThat(grants.holdsOn("anything", "SELECT")).isTrue();
        assertThat(grants.roles()).containsExactly("`dba_role`");
    }

    @Test
    void mySqlDynamicPrivilegesAreReadFromTheirOwnLine() {
        MySqlGrants grants = MySqlGrants.parse(List.of(
                "GRANT PROCESS, REPLICATION CLIENT ON *.* TO `cutover`@`%`",
                "GRANT CONNECTION_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `cutover`@`%`"));

        assertThat(grants.global()).contains("PROCESS", "REPLICATION CLIENT", "CONNECTION_ADMIN", "SYSTEM_VARIABLES_ADMIN");
        assertThat(MySqlServerPreflight.account("cutover@%")).isEqualTo("'cutover'@'%'");
    }

    @Test
    void superStopsCoveringTheAdminPrivilegesOnMariaDb11() {
        ServerFlavor mariaDb1011 = ServerFlavor.of("10.11.19-MariaDB-log");
        ServerFlavor mariaDb114 = ServerFlavor.of("11.4.2-MariaDB");
        ServerFlavor mySql84 = ServerFlavor.of("8.4.3");

        assertThat(MySqlNeed.SET_READ_ONLY.privileges(mariaDb1011).get(0).alternatives()).contains("SUPER");
        assertThat(MySqlNeed.SET_READ_ONLY.privileges(mariaDb114).get(0).alternatives()).containsExactly("READ_ONLY ADMIN");
        assertThat(MySqlNeed.SET_READ_ONLY.privileges(mySql84).get(0).name()).isEqualTo("SYSTEM_VARIABLES_ADMIN");
        assertThat(MySqlNeed.READ_REPLICA_STATUS.probedPrivilege(mariaDb1011)).isEqualTo("REPLICA MONITOR");
        assertThat(MySqlNeed.READ_POSITION.probedPrivilege(mySql84)).isEqualTo("REPLICATION CLIENT");
    }
}
