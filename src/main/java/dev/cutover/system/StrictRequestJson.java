package dev.cutover.system;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;

/**
 * JSON read by the service is taken literally: an unknown field ({@code "rehersal": true}) or a
 * field given twice is refused, never ignored, so a typo cannot quietly create a cutover that is
 * not a rehearsal. Records the service stores as JSON and reads back later declare themselves
 * lenient ({@code @JsonIgnoreProperties(ignoreUnknown = true)}) so that rows written by an older
 * version still read.
 */
@Configuration(proxyBeanMethods = false)
class StrictRequestJson {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
}
