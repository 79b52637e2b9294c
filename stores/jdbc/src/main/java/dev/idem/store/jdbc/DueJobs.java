package dev.idem.store.jdbc;

import dev.idem.store.DueJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Completes claimed due jobs with their saved steps. Stateless. */
final class DueJobs {

    private DueJobs() {
    }

    /** {@code jobs}, each with its steps from {@code steps} (by key, then name). */
    static List<DueJob> withSteps(List<DueJob> jobs, Map<String, Map<String, byte[]>> steps) {
        if (steps.isEmpty()) {
            return jobs;
        }
        List<DueJob> complete = new ArrayList<>(jobs.size());
        for (DueJob job : jobs) {
            complete.add(new DueJob(job.key(), job.token(), job.attempt(), steps.getOrDefault(job.key(), Map.of()),
                    job.invocation(), job.fingerprint()));
        }
        return complete;
    }
}
