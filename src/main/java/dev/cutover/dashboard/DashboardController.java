package dev.cutover.dashboard;

import dev.cutover.cutover.CutoverView;
import dev.cutover.cutover.CutoverViews;
import dev.cutover.instance.ServiceInstances;
import dev.cutover.runbook.RunbookCatalog;
import dev.cutover.runbook.RunbookEntry;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.ModelAndView;

/**
 * The dashboard's pages: the cutovers list, one cutover, and the fragments the pages fetch to
 * re-render their live parts (the list every few seconds, a cutover on each of its events).
 */
@Controller
class DashboardController {

    private final CutoverViews views;
    private final RunbookCatalog runbooks;
    private final CutoverPages pages;
    private final ServiceInstances instances;

    DashboardController(CutoverViews views, RunbookCatalog runbooks, CutoverPages pages, ServiceInstances instances) {
        this.views = views;
        this.runbooks = runbooks;
        this.pages = pages;
        this.instances = instances;
    }

    /** One row of the cutovers list. */
    public record CutoverRow(CutoverView cutover, StateTone tone, Instant startedAt, Instant endedAt) {

        public String stateLabel() {
            return StateTone.label(cutover.state());
        }
    }

    /** A runbook of the catalog, with the environments a new rehearsal may target. */
    public record RunbookRow(RunbookEntry entry, List<String> environments) {
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String cutovers(Model model, Authentication user) {
        listModel(model, user);
        return "cutovers";
    }

    @GetMapping("/fragments/cutovers")
    String cutoversFragment(Model model, Authentication user) {
        listModel(model, user);
        return "cutovers :: list";
    }

    @GetMapping("/cutovers/{id}")
    String cutover(@PathVariable String id, Model model, Authentication user) {
        cutoverModel(id, model, user);
        return "cutover";
    }

    @GetMapping("/cutovers/{id}/live")
    String cutoverFragment(@PathVariable String id, Model model, Authentication user) {
        cutoverModel(id, model, user);
        return "cutover :: live";
    }

    /** A missing cutover (or any refusal while rendering a page) is shown as a page, not as JSON. */
    @ExceptionHandler(ErrorResponseException.class)
    ModelAndView problem(ErrorResponseException problem) {
        ProblemDetail body = problem.getBody();
        ModelAndView page = new ModelAndView("problem");
        page.addObject("title", body.getTitle());
        page.addObject("detail", body.getDetail());
        page.setStatus(HttpStatusCode.valueOf(body.getStatus()));
        return page;
    }

    private void listModel(Model model, Authentication user) {
        Roles roles = Roles.of(user);
        List<CutoverRow> rows = views.latest(200).stream().map(cutover -> new CutoverRow(cutover,
                StateTone.of(cutover.state()), CutoverPages.startedAt(cutover), CutoverPages.endedAt(cutover))).toList();
        List<RunbookRow> catalog = runbooks.list().stream().map(entry -> new RunbookRow(entry,
                entry.validRunbook().map(r -> List.copyOf(new TreeSet<>(r.environments().keySet()))).orElse(List.of())))
                .toList();
        model.addAttribute("roles", roles);
        model.addAttribute("rows", rows);
        model.addAttribute("runbooks", catalog);
        model.addAttribute("instances", instances.list(20));
        model.addAttribute("now", Instant.now());
    }

    private void cutoverModel(String id, Model model, Authentication user) {
        Roles roles = Roles.of(user);
        model.addAttribute("roles", roles);
        model.addAttribute("page", pages.page(id, roles));
        model.addAttribute("now", Instant.now());
    }
}
