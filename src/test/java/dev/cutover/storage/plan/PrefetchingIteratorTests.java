package dev.cutover.storage.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PrefetchingIteratorTests {

    @Test
    void readsEverythingInOrder() {
        try (PrefetchingIterator<String> items = new PrefetchingIterator<>(List.of("a", "b", "c").iterator(), 2, "t")) {
            assertThat(items).toIterable().containsExactly("a", "b", "c");
        }
    }

    /** A listing that dies of an Error (e.g. OutOfMemoryError, a linkage error) must end the consumer, not hang it. */
    @Test
    @Timeout(10)
    void anErrorOfTheListingEndsTheConsumerWithThatError() {
        Iterator<String> failing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                throw new AssertionError("listing died");
            }
        };
        try (PrefetchingIterator<String> items = new PrefetchingIterator<>(failing, 4, "t")) {
            assertThatThrownBy(items::hasNext).isInstanceOf(AssertionError.class).hasMessage("listing died");
        }
    }

    @Test
    @Timeout(10)
    void aRuntimeFailureStillSurfaces() {
        Iterator<String> failing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new IllegalStateException("page 3 refused");
            }

            @Override
            public String next() {
                return null;
            }
        };
        try (PrefetchingIterator<String> items = new PrefetchingIterator<>(failing, 4, "t")) {
            assertThatThrownBy(items::hasNext).isInstanceOf(IllegalStateException.class).hasMessage("page 3 refused");
        }
    }
}
