package dev.cutover.cutover;

import dev.cutover.cutover.eventlog.CutoverEvent;
import dev.cutover.cutover.eventlog.EventLog;
import dev.cutover.cutover.state.CutoverRepository;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The cutover API: create, inspect and drive cutovers; read their event log. */
@RestController
@RequestMapping("/api/cutovers")
class CutoverController {

    private final CutoverTransitions transitions;
    private final CutoverRepository cutovers;
    private final CutoverViews views;
    private final EventLog events;

    CutoverController(CutoverTransitions transitions, CutoverRepository cutovers, CutoverViews views, EventLog events) {
        this.transitions = transitions;
        this.cutovers = cutovers;
        this.views = views;
        this.events = events;
    }

    record CreateCutover(@NotBlank String runbook, @NotBlank String environment, Boolean rehearsal) {
    }

    record ApproveStep(String comment, List<String> checkedItems) {
    }

    record EventPage(List<CutoverEvent> events, long total, Long next) {
    }

    @PostMapping
    ResponseEntity<CutoverView> create(@Valid @RequestBody CreateCutover request, Authentication user,
                                       HttpServletRequest http) {
        Cutover cutover = transitions.create(request.runbook(), request.environment(),
                Boolean.TRUE.equals(request.rehearsal()), actor(user, http));
        return ResponseEntity.created(URI.create("/api/cutovers/" + cutover.id())).body(views.view(cutover));
    }

    /** Newest first, a page at a time; {@code X-Total-Count} and a {@code Link rel="next"} say what is left. */
    @GetMapping
    ResponseEntity<List<CutoverView>> list(@RequestParam(defaultValue = "50") int limit,
                                           @RequestParam(defaultValue = "0") int offset) {
        if (limit < 1 || limit > 500 || offset < 0) {
            throw CutoverProblems.problem(HttpStatus.BAD_REQUEST, "Bad paging",
                    "limit must be 1..500 and offset 0 or more; got limit=" + limit + ", offset=" + offset, Map.of());
        }
        long total = cutovers.count();
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().header("X-Total-Count", Long.toString(total));
        if (offset + limit < total) {
            answer.header(HttpHeaders.LINK, "</api/cutovers?limit=" + limit + "&offset=" + (offset + limit) + ">; rel=\"next\"");
        }
        return answer.body(cutovers.findPage(limit, offset).stream().map(views::view).toList());
    }

    @GetMapping("/{id}")
    CutoverView get(@PathVariable String id) {
        return views.view(transitions.require(id));
    }

    @PostMapping("/{id}/phases/{phase}/start")
    ResponseEntity<CutoverView> startPhase(@PathVariable String id, @PathVariable String phase, Authentication user,
                                           HttpServletRequest http) {
        return accepted(transitions.startPhase(id, phase, actor(user, http)));
    }

    @PostMapping("/{id}/phases/{phase}/restart")
    ResponseEntity<CutoverView> restartPhase(@PathVariable String id, @PathVariable String phase, Authentication user,
                                             HttpServletRequest http) {
        return accepted(transitions.restartPhase(id, phase, actor(user, http)));
    }

    @PostMapping("/{id}/steps/{stepId}/approve")
    CutoverView approve(@PathVariable String id, @PathVariable String stepId,
                        @RequestBody(required = false) ApproveStep request, Authentication user,
                        HttpServletRequest http) {
        ApproveStep body = request == null ? new ApproveStep(null, List.of()) : request;
        return views.view(transitions.approve(id, stepId, body.comment(),
                body.checkedItems() == null ? List.of() : body.checkedItems(), actor(user, http)));
    }

    @PostMapping("/{id}/pause")
    ResponseEntity<CutoverView> pause(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return accepted(transitions.pause(id, actor(user, http)));
    }

    @PostMapping("/{id}/resume")
    ResponseEntity<CutoverView> resume(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return accepted(transitions.resume(id, actor(user, http)));
    }

    @PostMapping("/{id}/abort")
    ResponseEntity<CutoverView> abort(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return accepted(transitions.abort(id, actor(user, http)));
    }

    @PostMapping("/{id}/rollback")
    ResponseEntity<CutoverView> rollback(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return accepted(transitions.rollback(id, actor(user, http)));
    }

    @GetMapping("/{id}/events")
    EventPage events(@PathVariable String id, @RequestParam(defaultValue = "0") long after,
                     @RequestParam(defaultValue = "100") int limit) {
        transitions.require(id);
        if (limit < 1 || limit > 1000) {
            throw CutoverProblems.badRequest("limit", "limit must be between 1 and 1000, was " + limit);
        }
        List<CutoverEvent> page = events.page(id, after, limit);
        Long next = page.size() == limit ? page.get(page.size() - 1).id() : null;
        return new EventPage(page, events.count(id), next);
    }

    private ResponseEntity<CutoverView> accepted(Cutover cutover) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/cutovers/" + cutover.id()))
                .body(views.view(cutover));
    }

    static Actor actor(Authentication user, HttpServletRequest http) {
        return new Actor(user == null ? "anonymous" : user.getName(), http.getRemoteAddr());
    }

}
