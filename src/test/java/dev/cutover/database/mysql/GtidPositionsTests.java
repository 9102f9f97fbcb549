package dev.cutover.database.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GtidPositionsTests {

    @Test
    void coversWhenEveryDomainIsAtLeastAsFarWhateverTheServerId() {
        assertThat(GtidPositions.covers("0-1-20", "0-1-20")).isTrue();
        assertThat(GtidPositions.covers("0-2-25", "0-1-20")).as("promoted replica wrote on in domain 0").isTrue();
        assertThat(GtidPositions.covers("0-1-19", "0-1-20")).isFalse();
        assertThat(GtidPositions.covers("0-1-20,1-3-5", "0-1-20,1-3-6")).isFalse();
        assertThat(GtidPositions.covers("0-1-20", "1-3-1")).as("a domain it never saw").isFalse();
        assertThat(GtidPositions.covers("", "")).isTrue();
    }

    /**
     * The same sequence number written by two different servers in one domain is two different
     * transactions (alternate futures: the old primary took a write that never replicated while the
     * promoted replica wrote its own): the one position does not hold the other's transaction.
     */
    @Test
    void theSameSequenceFromAnotherServerIsADifferentTransaction() {
        assertThat(GtidPositions.covers("0-2-20", "0-1-20")).isFalse();
        assertThat(GtidPositions.covers("0-1-20,1-2-7", "0-1-20,1-3-7")).isFalse();
        assertThat(GtidPositions.covers("0-1-20,0-2-20", "0-2-20")).as("a binlog position naming both").isTrue();
    }
}
