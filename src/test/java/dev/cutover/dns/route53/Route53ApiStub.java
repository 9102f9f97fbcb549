package dev.cutover.dns.route53;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.dns.DnsNames;
import dev.cutover.dns.RecordKey;
import dev.cutover.dns.RecordSet;
import dev.cutover.dns.RoutedRecordSet;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A STUB of the Route 53 REST/XML API (2013-04-01), not Route 53: one hosted zone in memory and the
 * three operations the adapter uses, with the documented request and response shapes —
 * ChangeResourceRecordSets (CREATE/DELETE/UPSERT, validated as one atomic batch: DELETE must match the
 * record set exactly, names must be in the zone, a CNAME cannot share its name), GetChange (PENDING
 * for a set number of polls, then INSYNC) and ListResourceRecordSets (Route 53's order: names by
 * reversed labels, then type, then set identifier). Errors come as {@code ErrorResponse} documents.
 * Requests must carry a SigV4 Authorization header for the expected access key; the signature itself
 * is not checked. Weighted record sets ({@code SetIdentifier} + {@code Weight}) follow Route 53's
 * rules: a record set is unique by name, type and set identifier, and a plain record set cannot live
 * next to weighted ones of the same name and type ({@code InvalidChangeBatch}).
 */
public final class Route53ApiStub implements AutoCloseable {

    static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");

    private final HttpServer server;
    private final String hostedZoneId;
    private final String zone;
    private final String accessKeyId;
    private final Map<StubKey, RoutedRecordSet> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingPollsLeft = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger changeCounter = new AtomicInteger();
    private volatile int pendingPolls = 2;
    private volatile String aliasAt;

    public Route53ApiStub(String hostedZoneId, String zone, String accessKeyId) {
        this(hostedZoneId, zone, accessKeyId, 0);
    }

    /** As the three-argument constructor, listening on {@code port} of 127.0.0.1 (any free port when 0), e.g. one a runbook names. */
    public Route53ApiStub(String hostedZoneId, String zone, String accessKeyId, int port) {
        this.hostedZoneId = hostedZoneId;
        this.zone = DnsNames.absolute(zone);
        this.accessKeyId = accessKeyId;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/2013-04-01/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many GetChange calls answer PENDING before a change is INSYNC. */
    public void pendingPolls(int polls) {
        pendingPolls = polls;
    }

    public void seed(RecordSet set) {
        seed(RoutedRecordSet.plain(set));
    }

    public void seed(RoutedRecordSet set) {
        records.put(StubKey.of(set), set);
    }

    /** Removes every record set of this name and type, plain or weighted (a reset between two rehearsals). */
    public void remove(RecordKey key) {
        records.keySet().removeIf(k -> k.key().equals(key));
    }

    /** The plain record set of this name and type. */
    public Optional<RecordSet> recordSet(RecordKey key) {
        return Optional.ofNullable(records.get(new StubKey(key, ""))).map(RoutedRecordSet::records);
    }

    /** Every record set of this name and type, plain or weighted, ordered by set identifier. */
    public List<RoutedRecordSet> recordSets(RecordKey key) {
        return records.entrySet().stream().filter(e -> e.getKey().key().equals(key))
                .sorted(java.util.Comparator.comparing(e -> e.getKey().setIdentifier()))
                .map(Map.Entry::getValue).toList();
    }

    /** Name, type and set identifier ("" for a plain record set): what Route 53 keeps unique. */
    private record StubKey(RecordKey key, String setIdentifier) {
        static StubKey of(RoutedRecordSet set) {
            return new StubKey(set.records().key(), set.isWeighted() ? set.setIdentifier() : "");
        }

        @Override
        public String toString() {
            return "[name='" + key.name() + "', type='" + key.type() + "'"
                    + (setIdentifier.isEmpty() ? "" : ", set-identifier='" + setIdentifier + "'") + "]";
        }
    }

    /** Makes the listing show {@code name} as an alias record (which the adapter must refuse to handle). */
    void aliasAt(String name) {
        aliasAt = DnsNames.absolute(name);
    }

    /** {@code METHOD path} of every request so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
            if (!credential.find() || !credential.group(1).equals(accessKeyId)) {
                error(exchange, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
                return;
            }
            String zonePath = "/2013-04-01/hostedzone/" + hostedZoneId + "/rrset";
            if (path.startsWith("/2013-04-01/hostedzone/") && !path.startsWith(zonePath)) {
                error(exchange, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + path.split("/")[3]);
            } else if ("POST".equals(exchange.getRequestMethod()) && path.startsWith(zonePath)) {
                changeRecordSets(exchange);
            } else if ("GET".equals(exchange.getRequestMethod()) && path.startsWith(zonePath)) {
                listRecordSets(exchange);
            } else if ("GET".equals(exchange.getRequestMethod()) && path.startsWith("/2013-04-01/change/")) {
                getChange(exchange, path.substring("/2013-04-01/change/".length()));
            } else {
                error(exchange, 400, "InvalidInput", "the stub does not implement " + exchange.getRequestMethod() + " " + path);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "InternalFailure", "stub failure: " + e);
        }
    }

    private void changeRecordSets(HttpExchange exchange) throws IOException {
        Document request = parse(exchange.getRequestBody().readAllBytes());
        Map<StubKey, RoutedRecordSet> after = new HashMap<>(records);
        List<String> problems = new ArrayList<>();
        NodeList changes = request.getElementsByTagName("Change");
        for (int i = 0; i < changes.getLength(); i++) {
            Element change = (Element) changes.item(i);
            String action = text(change, "Action");
            RoutedRecordSet set;
            try {
                set = recordSet((Element) change.getElementsByTagName("ResourceRecordSet").item(0));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                continue;
            }
            String name = set.records().name();
            if (!name.equals(zone) && !name.endsWith("." + zone)) {
                problems.add("RRSet with DNS name " + name + " is not permitted in zone " + zone);
                continue;
            }
            StubKey key = StubKey.of(set);
            RoutedRecordSet existing = after.get(key);
            switch (action) {
                case "CREATE" -> {
                    if (existing != null) {
                        problems.add("Tried to create resource record set " + key + " but it already exists");
                    }
                    after.put(key, set);
                }
                case "DELETE" -> {
                    if (existing == null) {
                        problems.add("Tried to delete resource record set " + key + " but it was not found");
                    } else if (!existing.equals(set)) {
                        problems.add("Tried to delete resource record set " + key
                                + " but the values provided do not match the current values");
                    }
                    after.remove(key);
                }
                case "UPSERT" -> after.put(key, set);
                default -> problems.add("unknown action " + action);
            }
        }
        after.keySet().stream().filter(key -> key.key().type().equals("CNAME")).map(StubKey::key).distinct().forEach(cname -> {
            if (after.keySet().stream().anyMatch(other -> other.key().name().equals(cname.name())
                    && !other.key().type().equals("CNAME"))) {
                problems.add("RRSet of type CNAME with DNS name " + cname.name() + " is not permitted as it conflicts "
                        + "with other records with the same DNS name in zone " + zone);
            }
        });
        after.keySet().stream().map(StubKey::key).distinct().forEach(key -> {
            boolean plain = after.containsKey(new StubKey(key, ""));
            boolean weighted = after.keySet().stream().anyMatch(other -> other.key().equals(key)
                    && !other.setIdentifier().isEmpty());
            if (plain && weighted) {
                problems.add("RRSet with DNS name " + key.name() + ", type " + key.type() + " cannot be created as "
                        + "a non-weighted set exists with the same name and type, or weighted sets exist with "
                        + "the same name and type");
            }
        });
        if (!problems.isEmpty()) {
            error(exchange, 400, "InvalidChangeBatch", String.join("; ", problems));
            return;
        }
        records.clear();
        records.putAll(after);
        String id = "C" + (1000 + changeCounter.incrementAndGet());
        pendingPollsLeft.put(id, new AtomicInteger(pendingPolls));
        respond(exchange, "ChangeResourceRecordSetsResponse", changeInfo(id, "PENDING"));
    }

    private void getChange(HttpExchange exchange, String rawId) throws IOException {
        String id = rawId.replaceFirst("^/?change/", "");
        AtomicInteger left = pendingPollsLeft.get(id);
        if (left == null) {
            error(exchange, 404, "NoSuchChange", "A change with the specified change ID does not exist.");
            return;
        }
        respond(exchange, "GetChangeResponse", changeInfo(id, left.getAndDecrement() > 0 ? "PENDING" : "INSYNC"));
    }

    private void listRecordSets(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int maxItems = Integer.parseInt(query.getOrDefault("maxitems", "300"));
        TreeMap<String, RoutedRecordSet> ordered = new TreeMap<>();
        records.forEach((key, set) -> ordered.put(order(key.key().name(), key.key().type()) + " " + key.setIdentifier(), set));
        String from = query.containsKey("name") ? order(query.get("name"), query.getOrDefault("type", ""))
                + (query.containsKey("identifier") ? " " + query.get("identifier") : "") : "";
        List<RoutedRecordSet> page = ordered.tailMap(from, true).values().stream().limit(maxItems + 1L).toList();
        StringBuilder body = new StringBuilder("<ResourceRecordSets>");
        page.stream().limit(maxItems).forEach(set -> body.append(resourceRecordSet(set)));
        body.append("</ResourceRecordSets><IsTruncated>").append(page.size() > maxItems).append("</IsTruncated>");
        if (page.size() > maxItems) {
            RoutedRecordSet next = page.get(maxItems);
            body.append("<NextRecordName>").append(next.records().name()).append("</NextRecordName><NextRecordType>")
                    .append(next.records().type()).append("</NextRecordType>");
            if (next.isWeighted()) {
                body.append("<NextRecordIdentifier>").append(escape(next.setIdentifier())).append("</NextRecordIdentifier>");
            }
        }
        body.append("<MaxItems>").append(maxItems).append("</MaxItems>");
        respond(exchange, "ListResourceRecordSetsResponse", body.toString());
    }

    // ---- XML -------------------------------------------------------------------------------------

    private String resourceRecordSet(RoutedRecordSet routed) {
        RecordSet set = routed.records();
        StringBuilder xml = new StringBuilder("<ResourceRecordSet><Name>").append(escape(set.name())).append("</Name><Type>")
                .append(set.type()).append("</Type>");
        if (routed.isWeighted()) {
            xml.append("<SetIdentifier>").append(escape(routed.setIdentifier())).append("</SetIdentifier><Weight>")
                    .append(routed.weight()).append("</Weight>");
        }
        if (set.name().equals(aliasAt)) {
            return xml.append("<AliasTarget><HostedZoneId>Z32O12XQLNTSW2</HostedZoneId><DNSName>alb.example.com.</DNSName>"
                    + "<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>").toString();
        }
        xml.append("<TTL>").append(set.ttlSeconds()).append("</TTL><ResourceRecords>");
        set.values().forEach(value -> xml.append("<ResourceRecord><Value>").append(escape(value)).append("</Value></ResourceRecord>"));
        return xml.append("</ResourceRecords></ResourceRecordSet>").toString();
    }

    private static String changeInfo(String id, String status) {
        return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + status + "</Status><SubmittedAt>" + Instant.now()
                + "</SubmittedAt></ChangeInfo>";
    }

    private static RoutedRecordSet recordSet(Element element) {
        List<String> values = new ArrayList<>();
        NodeList nodes = element.getElementsByTagName("Value");
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent());
        }
        RecordSet set = new RecordSet(text(element, "Name"), text(element, "Type"), Long.parseLong(text(element, "TTL")), values);
        Optional<String> identifier = optionalText(element, "SetIdentifier");
        Optional<String> weight = optionalText(element, "Weight");
        if (identifier.isEmpty() && weight.isEmpty()) {
            return RoutedRecordSet.plain(set);
        }
        if (identifier.isEmpty() || weight.isEmpty()) {
            throw new IllegalArgumentException("Invalid request: a weighted resource record set needs both SetIdentifier "
                    + "and Weight (" + set.name() + " " + set.type() + ")");
        }
        return RoutedRecordSet.weighted(set, identifier.get(), Long.parseLong(weight.get()));
    }

    private static Optional<String> optionalText(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? Optional.empty() : Optional.of(nodes.item(0).getTextContent());
    }

    private static String text(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        if (nodes.getLength() == 0) {
            throw new IllegalArgumentException("missing <" + tag + ">");
        }
        return nodes.item(0).getTextContent();
    }

    private static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new IllegalArgumentException("unparsable request body: " + e.getMessage(), e);
        }
    }

    /** Route 53 lists by name with its labels reversed ({@code com.example.www}), then by type. */
    private static String order(String name, String type) {
        List<String> labels = new ArrayList<>(List.of(DnsNames.absolute(name).split("\\.")));
        java.util.Collections.reverse(labels);
        return String.join(".", labels) + " " + type;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void respond(HttpExchange exchange, String root, String content) throws IOException {
        send(exchange, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + NS + "\">" + content
                + "</" + root + ">");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        send(exchange, status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + NS + "\"><Error>"
                + "<Type>Sender</Type><Code>" + code + "</Code><Message>" + escape(message) + "</Message></Error>"
                + "<RequestId>stub-" + System.nanoTime() + "</RequestId></ErrorResponse>");
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "stub-request");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
