package dev.cutover.instance;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/instances}: the service instances sharing the database, live and expired, and what each runs. */
@RestController
@RequestMapping("/api/instances")
class InstancesController {

    private final ServiceInstances instances;

    InstancesController(ServiceInstances instances) {
        this.instances = instances;
    }

    @GetMapping
    List<InstanceStatus> list() {
        return instances.list(100);
    }
}
