package dev.cutover.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testsupport.ServiceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 (load): every request was observed once per security filter as well (timers and
 * long-task timers for each of a dozen filters): about a twentieth of the service's CPU under
 * bench/load.sh and no dashboard or alert reads them. The requests' own metric stays.
 */
class RequestObservationsTests extends ServiceTest {

    @Test
    void requestsAreTimedOnceAndTheirSecurityFiltersAreNotObservedOneByOne() {
        assertThat(api.get("viewer", "/api/cutovers").status()).isEqualTo(200);

        List<String> names = new ArrayList<>();
        api.get("viewer", "/actuator/metrics").body().path("names").forEach(name -> names.add(name.asString()));

        assertThat(names).contains("http.server.requests");
        assertThat(names).noneMatch(name -> name.startsWith("spring.security."));
    }
}
