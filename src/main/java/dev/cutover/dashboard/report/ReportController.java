package dev.cutover.dashboard.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The report of a cutover night in three formats: HTML to read and print (its print stylesheet makes
 * "Save as PDF" a clean document), JSON for tools, Markdown for a post-mortem or a ticket. The API's
 * path ({@code /api/cutovers/{id}/report}, HTTP Basic) answers JSON unless asked otherwise; the
 * dashboard's ({@code /cutovers/{id}/report}, session cookie) answers HTML. {@code ?format=} wins
 * over the {@code Accept} header. Every answer, refusals included, has its content type set here,
 * so a refusal is problem+json whatever the client said it accepts.
 */
@RestController
class ReportController {

    static final MediaType MARKDOWN = new MediaType("text", "markdown", StandardCharsets.UTF_8);
    private static final String ALLOWED = "html, json, md";

    enum Format {
        HTML(new MediaType("text", "html", StandardCharsets.UTF_8), "html"),
        JSON(MediaType.APPLICATION_JSON, "json"),
        MARKDOWN(ReportController.MARKDOWN, "md");

        final MediaType type;
        final String extension;

        Format(MediaType type, String extension) {
            this.type = type;
            this.extension = extension;
        }
    }

    private final NightReports reports;
    private final ITemplateEngine templates;
    private final JsonMapper json;
    private final String css;

    ReportController(NightReports reports, ITemplateEngine templates, JsonMapper json) {
        this.reports = reports;
        this.templates = templates;
        this.json = json.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
        this.css = resource("static/dashboard/report.css");
    }

    @GetMapping("/api/cutovers/{id}/report")
    ResponseEntity<String> api(@PathVariable String id, @RequestParam(required = false) String format,
                               @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
                               Authentication user) {
        return answer(id, format, accept, Format.JSON, user);
    }

    @GetMapping("/cutovers/{id}/report")
    ResponseEntity<String> page(@PathVariable String id, @RequestParam(required = false) String format,
                                @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
                                Authentication user) {
        ResponseEntity<String> answer = answer(id, format, accept, Format.HTML, user);
        // A browser that opened the report of a cutover that does not exist sees the dashboard's problem
        // page, as on /cutovers/{id}, not problem+json; a script that asked for JSON or Markdown still gets JSON.
        if (answer.getStatusCode().isError() && wantsHtml(format, accept)) {
            return problemPage(answer.getStatusCode().value(), json.readTree(answer.getBody()));
        }
        return answer;
    }

    private static boolean wantsHtml(String format, String accept) {
        try {
            return (format != null ? byName(format) : byAccept(accept, Format.HTML)) == Format.HTML;
        } catch (ErrorResponseException unreadable) {
            return accept == null || accept.contains("text/html");
        }
    }

    private ResponseEntity<String> problemPage(int status, tools.jackson.databind.JsonNode problem) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("title", problem.path("title").asString());
        context.setVariable("detail", problem.path("detail").asString());
        return ResponseEntity.status(status).contentType(Format.HTML.type).body(templates.process("problem", context));
    }

    private ResponseEntity<String> answer(String id, String format, String accept, Format fallback,
                                          Authentication user) {
        try {
            Format chosen = format != null ? byName(format) : byAccept(accept, fallback);
            NightReport report = reports.report(id, user == null ? "anonymous" : user.getName());
            String body = switch (chosen) {
                case JSON -> json.writeValueAsString(report);
                case MARKDOWN -> MarkdownReport.render(report);
                case HTML -> html(report, id);
            };
            return ResponseEntity.ok().contentType(chosen.type)
                    .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.inline()
                            .filename("cutover-" + id + "-report." + chosen.extension).build().toString())
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                    .body(body);
        } catch (ErrorResponseException problem) {
            return problem(problem.getBody());
        }
    }

    private static Format byName(String format) {
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "html" -> Format.HTML;
            case "json" -> Format.JSON;
            case "md", "markdown" -> Format.MARKDOWN;
            default -> throw refusal(HttpStatus.BAD_REQUEST, "Unknown report format",
                    "There is no report format '" + format + "'. Use format=html, format=json or format=md "
                            + "(or an Accept header of text/html, application/json or text/markdown).");
        };
    }

    /** The first format the client accepts, by quality; {@code *}{@code /*} or no header gives the path's default. */
    private static Format byAccept(String accept, Format fallback) {
        if (accept == null || accept.isBlank()) {
            return fallback;
        }
        List<MediaType> wanted;
        try {
            wanted = new ArrayList<>(MediaType.parseMediaTypes(accept));
        } catch (InvalidMediaTypeException e) {
            throw refusal(HttpStatus.BAD_REQUEST, "Malformed Accept header", "The Accept header '" + accept
                    + "' cannot be read: " + e.getMessage() + ". The report is served as " + ALLOWED + ".");
        }
        wanted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : wanted) {
            if (type.getQualityValue() == 0) {
                continue;
            }
            if (type.includes(fallback.type)) {
                return fallback;
            }
            for (Format format : Format.values()) {
                if (type.includes(format.type)) {
                    return format;
                }
            }
        }
        throw refusal(HttpStatus.NOT_ACCEPTABLE, "No such report format",
                "The report is served as text/html, application/json or text/markdown (format=html, json or md); "
                        + "the Accept header asked for " + accept + ".");
    }

    private String html(NightReport report, String id) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("report", report);
        context.setVariable("text", new ReportText());
        context.setVariable("css", css);
        context.setVariable("cutoverPage", "/cutovers/" + id);
        context.setVariable("markdown", "/cutovers/" + id + "/report?format=md");
        context.setVariable("json", "/cutovers/" + id + "/report?format=json");
        return templates.process("report", context);
    }

    private static ErrorResponseException refusal(HttpStatus status, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        body.setProperty("allowedFormats", List.of("html", "json", "md"));
        return new ErrorResponseException(status, body, null);
    }

    private ResponseEntity<String> problem(ProblemDetail detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", detail.getType() == null ? "about:blank" : detail.getType().toString());
        body.put("title", detail.getTitle());
        body.put("status", detail.getStatus());
        body.put("detail", detail.getDetail());
        if (detail.getProperties() != null) {
            body.putAll(detail.getProperties());
        }
        return ResponseEntity.status(detail.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(json.writeValueAsString(body));
    }

    private static String resource(String path) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the report's stylesheet " + path + " is missing from the jar", e);
        }
    }
}
