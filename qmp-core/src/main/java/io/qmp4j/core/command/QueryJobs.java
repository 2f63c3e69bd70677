package io.qmp4j.core.command;

import io.qmp4j.core.QmpCommand;
import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code query-jobs}: all jobs.
 *
 * @since 0.1
 */
public record QueryJobs() implements QmpCommand<List<JobInfo>> {
    @Override
    public String commandName() {
        return "query-jobs";
    }

    @Override
    public Type resultType() {
        return Types.listOf(JobInfo.class);
    }
}
