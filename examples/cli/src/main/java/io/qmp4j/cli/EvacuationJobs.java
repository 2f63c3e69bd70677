package io.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The jobs file of {@code qmp4j evacuate}: a JSON array of objects, each with {@code source},
 * {@code dest} and {@code uri} as for {@code migrate}, an optional {@code name}, and any other
 * {@code migrate} option by its long name ({@code "copy-storage-all": true},
 * {@code "tls-dir": "/etc/pki/qemu"}, {@code "migrate-disks": ["vblk0"]}). Each object is read by
 * {@code migrate}'s own option parser, so it takes exactly what {@code migrate} takes, checked the
 * same way.
 */
final class EvacuationJobs {

    /** One job: its name and its {@code migrate} options, parsed. */
    record Job(String name, MigrateCommand options) {
    }

    private EvacuationJobs() {
    }

    /**
     * @return the jobs, in the file's order
     * @throws IllegalArgumentException naming the job and what is wrong with it
     */
    static List<Job> read(Path file) throws IOException {
        JsonNode all;
        try {
            all = Common.JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
        }
        if (all == null || !all.isArray() || all.isEmpty()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of jobs, each with source, dest and uri");
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonNode o = all.get(i);
            if (!o.isObject()) {
                throw new IllegalArgumentException(file + ", job " + (i + 1) + ": expected an object, not " + o);
            }
            String name = o.path("name").asText(o.path("source").asText("job " + (i + 1)));
            MigrateCommand m = new MigrateCommand();
            try {
                new CommandLine(m).parseArgs(args(o).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException(file + ", job " + (i + 1) + " (" + name + "): " + e.getMessage());
            }
            jobs.add(new Job(name, m));
        }
        return jobs;
    }

    /** @return the object as {@code migrate}'s arguments: {@code "k": v} is {@code --k v}, {@code true} is {@code --k} */
    private static List<String> args(JsonNode o) {
        List<String> a = new ArrayList<>();
        for (var it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String k = f.getKey();
            JsonNode v = f.getValue();
            if (k.equals("name")) {
                continue;
            }
            if (v.isBoolean()) {
                if (v.asBoolean()) {
                    a.add("--" + k);
                }
            } else if (v.isArray()) {
                v.forEach(x -> {
                    a.add("--" + k);
                    a.add(x.asText());
                });
            } else {
                a.add("--" + k);
                a.add(v.asText());
            }
        }
        return a;
    }
}
