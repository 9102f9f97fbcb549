package dev.cutover.database.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cutover.step.PreflightCheck;
import dev.cutover.step.PreflightFinding;
import dev.cutover.step.PreflightPlan;
import dev.cutover.step.PreflightProbe;
import dev.cutover.step.ResolvedConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.springframework.stereotype.Component;

/**
 * Preflight of {@code type: mongo} connections: the set answers with a primary and the replica-set
 * name the URI expects; the members the steps name exist and are healthy; the user's privileges
 * ({@code connectionStatus} with {@code showPrivileges}) hold the cluster actions the steps run:
 * {@code replSetConfigure} (replSetReconfig), {@code replSetStateChange} (replSetStepDown),
 * {@code fsync} and {@code unlock} (the fsync-lock freeze).
 */
@Component
class MongoPreflight implements PreflightCheck {

    /** What the steps need on one replica set. */
    private static final class Needs {
        final Map<String, Set<String>> actions = new LinkedHashMap<>();
        final Map<String, Set<String>> members = new LinkedHashMap<>();

        void action(String action, String step) {
            actions.computeIfAbsent(action, a -> new LinkedHashSet<>()).add(step);
        }

        void member(String host, String step) {
            members.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(step);
        }
    }

    /**
     * Sends a ping through a driver client to a loopback port nobody answers on (server selection
     * gives up after 200 ms): loads the driver, its codecs and a command's path without a peer.
     */
    @Override
    public void warmUp() {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:9/?connectTimeoutMS=200"))
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(200, TimeUnit.MILLISECONDS))
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            client.getDatabase("admin").runCommand(new Document("ping", 1));
        } catch (MongoException expected) {
            // nobody answers: the command's path through the driver is loaded all the same
        }
    }

    @Override
    public List<PreflightProbe> probes(PreflightPlan plan) {
        Map<String, Needs> needs = new LinkedHashMap<>();
        for (PreflightPlan.PlannedStep step : plan.steps()) {
            String id = step.id();
            switch (step.type()) {
                case "mongo-lag-gate" -> needs(needs, step.with().requiredString("connection")).action("replSetGetStatus", id);
                case "mongo-promote" -> {
                    Needs set = needs(needs, step.with().requiredString("connection"));
                    set.action("replSetConfigure", id);
                    set.action("replSetStateChange", id);
                    set.member(step.with().requiredString("target"), id);
                }
                case "mongo-retire-members" -> needs(needs, step.with().requiredString("connection")).action("replSetConfigure", id);
                case "mongo-verify" -> {
                    Needs set = needs(needs, step.with().requiredString("connection"));
                    set.member(step.with().requiredString("source"), id);
                    set.member(step.with().requiredString("target"), id);
                }
                case "write-freeze" -> {
                    if ("fsync-lock".equals(step.with().string("strategy").orElse(""))) {
                        Needs set = needs(needs, step.with().requiredString("connection"));
                        set.action("fsync", id);
                        set.action("unlock", id);
                    }
                }
                case "cutover-readiness" -> step.with().map("mongoMembers").forEach((connection, member) -> {
                    if (isMongo(plan, connection)) {
                        needs(needs, connection).member(member, id);
                    }
                });
                default -> {
                }
            }
        }
        List<PreflightProbe> probes = new ArrayList<>();
        for (ResolvedConnection connection : plan.connections().values()) {
            if (MongoSettings.TYPE.equals(connection.type())) {
                Needs set = needs.getOrDefault(connection.name(), new Needs());
                probes.add(new PreflightProbe("connects", connection.name(), plan.usersOf(connection.name()),
                        () -> check(connection, set, plan)));
            }
        }
        return probes;
    }

    private static boolean isMongo(PreflightPlan plan, String connection) {
        return plan.connection(connection).filter(c -> MongoSettings.TYPE.equals(c.type())).isPresent();
    }

    private static Needs needs(Map<String, Needs> needs, String connection) {
        return needs.computeIfAbsent(connection, c -> new Needs());
    }

    private static List<PreflightFinding> check(ResolvedConnection connection, Needs needs, PreflightPlan plan)
            throws Exception {
        List<PreflightFinding> findings = new ArrayList<>();
        try (ReplicaSet set = ReplicaSet.open(connection, plan.timeout())) {
            String primary = set.primary().orElse(null);
            if (primary == null) {
                findings.add(PreflightFinding.failed("no member of " + String.join(", ", set.seeds())
                        + " answers as primary", "check that the members are up and reachable from this host, and "
                        + "the uri of '" + connection.name() + "'").named("connects"));
                return findings;
            }
            ReplicaSetStatus status = ReplicaSetStatus.read(set, primary);
            String expected = MongoSettings.of(connection).uri().getRequiredReplicaSetName();
            String detail = "replica set " + status.setName() + ", primary " + primary + ", " + status.members().size()
                    + " members";
            findings.add(expected != null && !expected.equals(status.setName())
                    ? PreflightFinding.failed(detail + ", but the uri says replicaSet=" + expected, "fix replicaSet= in "
                    + "the uri of '" + connection.name() + "'").named("connects")
                    : PreflightFinding.ok(detail).named("connects"));
            needs.members.forEach((host, steps) -> findings.add(member(status, host, steps)));
            if (!needs.actions.isEmpty()) {
                findings.addAll(actions(set, primary, needs.actions, connection.name()));
            }
        } catch (MongoException e) {
            findings.add(PreflightFinding.failed("replica set '" + connection.name() + "' did not answer: "
                    + e.getMessage(), "check the uri, user and password of '" + connection.name() + "'").named("connects"));
        }
        return findings;
    }

    private static PreflightFinding member(ReplicaSetStatus status, String host, Set<String> steps) {
        String check = "member " + host;
        return status.member(host).map(member -> member.health() == 1
                        && (MemberStatus.PRIMARY.equals(member.stateStr()) || MemberStatus.SECONDARY.equals(member.stateStr()))
                        ? PreflightFinding.ok(host + " is " + member.stateStr() + ", healthy").named(check)
                        : PreflightFinding.failed(host + " is " + member.stateStr() + " with health " + member.health(),
                        "bring " + host + " back to SECONDARY before the night (rs.status() on the primary)").named(check))
                .orElseGet(() -> PreflightFinding.failed(host + " is not a member of " + status.setName() + " (members: "
                        + String.join(", ", status.members().stream().map(MemberStatus::name).toList()) + "), but "
                        + String.join(", ", steps) + " name it", "write the member as host:port exactly as rs.conf() "
                        + "shows it").named(check));
    }

    @SuppressWarnings("unchecked")
    private static List<PreflightFinding> actions(ReplicaSet set, String primary, Map<String, Set<String>> needed,
                                                  String connection) {
        Document auth = set.admin(primary, new Document("connectionStatus", 1).append("showPrivileges", true))
                .get("authInfo", Document.class);
        List<Document> users = auth == null ? List.of() : auth.getList("authenticatedUsers", Document.class, List.of());
        if (users.isEmpty()) {
            return List.of(PreflightFinding.warning("no user is authenticated on " + connection + " (the server runs "
                    + "without access control?): the roles cannot be checked", "set user: and password: (or credentials "
                    + "in the uri) if the production set requires them").named("roles"));
        }
        Set<String> held = new LinkedHashSet<>();
        for (Document privilege : auth.getList("authenticatedUserPrivileges", Document.class, List.of())) {
            Document resource = privilege.get("resource", Document.class);
            if (resource != null && (Boolean.TRUE.equals(resource.get("cluster")) || Boolean.TRUE.equals(resource.get("anyResource")))) {
                held.addAll(privilege.getList("actions", String.class, List.of()));
            }
        }
        String user = users.get(0).getString("user") + "@" + users.get(0).getString("db");
        List<PreflightFinding> findings = new ArrayList<>();
        needed.forEach((action, steps) -> {
            String check = "action " + action;
            findings.add(held.contains(action)
                    ? PreflightFinding.ok(user + " may " + action + " (" + String.join(", ", steps) + ")").named(check)
                    : PreflightFinding.failed(user + " lacks the cluster action " + action + what(action) + ", needed by "
                    + String.join(", ", steps), "grant " + user + " a role with " + action + " on the cluster, e.g. "
                    + role(action) + ": db.getSiblingDB('admin').grantRolesToUser('" + users.get(0).getString("user")
                    + "', ['" + role(action) + "'])").named(check));
        });
        return findings;
    }

    private static String what(String action) {
        return switch (action) {
            case "replSetConfigure" -> " (replSetReconfig)";
            case "replSetStateChange" -> " (replSetStepDown)";
            case "unlock" -> " (fsyncUnlock)";
            default -> "";
        };
    }

    private static String role(String action) {
        return switch (action) {
            case "fsync", "unlock" -> "hostManager";
            case "replSetGetStatus" -> "clusterMonitor";
            default -> "clusterManager";
        };
    }
}
