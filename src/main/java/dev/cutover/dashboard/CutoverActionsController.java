package dev.cutover.dashboard;

import dev.cutover.cutover.Actor;
import dev.cutover.cutover.Cutover;
import dev.cutover.cutover.CutoverTransitions;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's buttons. Each calls the same {@link CutoverTransitions} method as the REST API, so
 * the action is checked by the same state machine and lands in the event log with the user as its
 * actor. Paths are the API's without {@code /api}; the security rules (role, CSRF token from the
 * page's session) apply before any of this runs. Refusals come back as the API's problem+json, which
 * the page shows as a message.
 */
@RestController
class CutoverActionsController {

    private final CutoverTransitions transitions;

    CutoverActionsController(CutoverTransitions transitions) {
        this.transitions = transitions;
    }

    /** What the page shows after an accepted action. */
    record Done(String message, String state, URI location) {
    }

    @PostMapping("/cutovers")
    ResponseEntity<Done> create(@RequestParam String runbook, @RequestParam String environment,
                                @RequestParam(defaultValue = "false") boolean rehearsal, Authentication user,
                                HttpServletRequest http) {
        Cutover cutover = transitions.create(runbook, environment, rehearsal, actor(user, http));
        URI page = URI.create("/cutovers/" + cutover.id());
        return ResponseEntity.created(page).body(new Done((rehearsal ? "Rehearsal" : "Cutover") + " of " + runbook
                + " in " + environment + " created", cutover.state().name(), page));
    }

    @PostMapping("/cutovers/{id}/phases/{phase}/start")
    Done startPhase(@PathVariable String id, @PathVariable String phase, Authentication user, HttpServletRequest http) {
        return done("Phase " + phase + " starting", transitions.startPhase(id, phase, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/phases/{phase}/restart")
    Done restartPhase(@PathVariable String id, @PathVariable String phase, Authentication user,
                      HttpServletRequest http) {
        return done("Phase " + phase + " restarting", transitions.restartPhase(id, phase, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/steps/{stepId}/approve")
    Done approve(@PathVariable String id, @PathVariable String stepId,
                 @RequestParam(required = false) List<String> checkedItems,
                 @RequestParam(required = false) String comment, Authentication user, HttpServletRequest http) {
        return done("Step " + stepId + " approved", transitions.approve(id, stepId,
                comment == null || comment.isBlank() ? null : comment.strip(),
                checkedItems == null ? List.of() : checkedItems, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/pause")
    Done pause(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return done("Pausing: the running step finishes or gives way", transitions.pause(id, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/resume")
    Done resume(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return done("Resuming", transitions.resume(id, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/abort")
    Done abort(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return done("Cutover aborted without rollback", transitions.abort(id, actor(user, http)));
    }

    @PostMapping("/cutovers/{id}/rollback")
    Done rollback(@PathVariable String id, Authentication user, HttpServletRequest http) {
        return done("Rollback started", transitions.rollback(id, actor(user, http)));
    }

    private static Done done(String message, Cutover cutover) {
        return new Done(message, cutover.state().name(), URI.create("/cutovers/" + cutover.id()));
    }

    private static Actor actor(Authentication user, HttpServletRequest http) {
        return new Actor(user.getName(), http.getRemoteAddr());
    }
}
