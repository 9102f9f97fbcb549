package dev.cutover.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * Both filter chains write the security headers before the request is handled: written on the way
 * back, they raced an event stream's sender thread on Tomcat's (not thread-safe) headers, a
 * NullPointerException in MimeHeaders that bench/dashboard.sh hit when fifty pages opened at once.
 */
class SecurityHeadersWrittenEagerlyTests extends ServiceTest {

    @Autowired
    List<SecurityFilterChain> chains;

    @Test
    void everyChainWritesItsHeadersBeforeTheHandlerRuns() {
        assertThat(chains).hasSizeGreaterThanOrEqualTo(2);
        for (SecurityFilterChain chain : chains) {
            List<HeaderWriterFilter> writers = chain.getFilters().stream().filter(HeaderWriterFilter.class::isInstance)
                    .map(HeaderWriterFilter.class::cast).toList();
            assertThat(writers).as("header writer of %s", chain).hasSize(1);
            assertThat(ReflectionTestUtils.getField(writers.get(0), "shouldWriteHeadersEagerly"))
                    .as("eager headers in %s", chain).isEqualTo(true);
        }
    }
}
