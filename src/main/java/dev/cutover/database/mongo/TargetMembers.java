package dev.cutover.database.mongo;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The members a step is about, named in the runbook either by host ({@code members: [aws-1:27017]})
 * or by replica-set tag ({@code tag: { cloud: aws }}, every pair must match). Exactly one of the two.
 */
record TargetMembers(List<String> hosts, Map<String, String> tag) {

    static final StepParameter MEMBERS = StepParameter.optional("members", Kind.LIST,
            "target members by host:port as the replica-set config names them, e.g. [aws-1.internal:27017]");
    static final StepParameter TAG = StepParameter.optional("tag", Kind.MAP,
            "target members by replica-set tag instead, e.g. { cloud: aws } (all pairs must match)");

    TargetMembers {
        hosts = List.copyOf(hosts);
        tag = Map.copyOf(tag);
    }

    static TargetMembers from(StepArguments arguments) throws StepFailedException {
        TargetMembers targets = new TargetMembers(arguments.list("members"), arguments.map("tag"));
        if (targets.hosts.isEmpty() == targets.tag.isEmpty()) {
            throw new StepFailedException("name the target members either by members: (host list) or by tag: "
                    + "(e.g. { cloud: aws }), exactly one of the two", Map.of());
        }
        return targets;
    }

    /**
     * The named members in the status. A host that is not in the set, or a tag that matches no
     * member, is a runbook mistake worth failing on rather than a gate that opens on nothing.
     */
    List<MemberStatus> select(ReplicaSetStatus status) throws StepFailedException {
        List<MemberStatus> selected = new ArrayList<>();
        if (!hosts.isEmpty()) {
            for (String host : hosts) {
                selected.add(status.member(host).orElseThrow(() -> new StepFailedException("member " + host
                        + " is not in replica set " + status.setName() + " (members: " + names(status) + ")",
                        Map.of("members", names(status)))));
            }
            return selected;
        }
        for (MemberStatus member : status.members()) {
            if (member.tags().entrySet().containsAll(tag.entrySet())) {
                selected.add(member);
            }
        }
        if (selected.isEmpty()) {
            throw new StepFailedException("no member of replica set " + status.setName() + " carries the tag " + tag,
                    Map.of("members", names(status)));
        }
        return selected;
    }

    String describe() {
        return hosts.isEmpty() ? "members tagged " + tag : String.join(", ", hosts);
    }

    private static List<String> names(ReplicaSetStatus status) {
        return status.members().stream().map(MemberStatus::name).toList();
    }
}
