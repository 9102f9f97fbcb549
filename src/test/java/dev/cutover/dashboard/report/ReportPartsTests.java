package dev.cutover.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.StringTemplateResolver;

/**
 * The report's {@code shown} fragment rendered by Thymeleaf itself (no service): a gate's evidence
 * holds a list of samples, each a table, and that must render as a list of tables. It answered 500
 * ("Property or field 'items' cannot be found on null") for every report with a lag gate.
 */
class ReportPartsTests {

    @Test
    void aListOfTablesInAStepsEvidenceRendersAsAListOfTables() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("verdict", "within");
        evidence.put("samples", List.of(Map.of("atMs", 0, "verdict", "outside", "summary", "lag 3s exceeds 1s"),
                Map.of("atMs", 250, "verdict", "within", "summary", "lag 0s")));

        String html = render(Shown.of(evidence));

        assertThat(html).contains("lag 3s exceeds 1s").contains("lag 0s");
        assertThat(html.split("<table class=\"evidence\"", -1)).as("the evidence and each sample as a table").hasSize(4);
        assertThat(html).contains("<ul class=\"evidence-list\">");
    }

    private static String render(Shown shown) {
        ClassLoaderTemplateResolver files = new ClassLoaderTemplateResolver();
        files.setPrefix("templates/");
        files.setSuffix(".html");
        files.setTemplateMode(TemplateMode.HTML);
        files.setResolvablePatterns(Set.of("report-parts"));
        files.setOrder(1);
        StringTemplateResolver page = new StringTemplateResolver();
        page.setOrder(2);
        SpringTemplateEngine engine = new SpringTemplateEngine();
        engine.addTemplateResolver(files);
        engine.addTemplateResolver(page);
        Context context = new Context();
        context.setVariable("value", shown);
        return engine.process("<div th:replace=\"~{report-parts :: shown(${value})}\"></div>", context);
    }
}
