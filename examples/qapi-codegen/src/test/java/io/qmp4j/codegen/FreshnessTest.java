package io.qmp4j.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed output is what the generator makes of the committed models, and the committed
 * models are what the reader makes of QEMU's sources (when {@code ./run-tests} provides them).
 */
class FreshnessTest {

    private static final Path ROOT = Path.of(System.getProperty("qmp4j.codegen.root", "."));
    private static final Path MODELS = ROOT.resolve("model");
    private static final Path JAVA = ROOT.resolve("../../qmp-core/src/main/java").normalize();
    private static final String REFRESH = "run examples/qapi-codegen/refresh (see examples/qapi-codegen/README.md)";

    @Test
    void theGeneratedJavaInQmpCoreIsWhatTheModelsMake() throws Exception {
        Map<String, String> expected = Generator.generate(ModelFiles.readAll(MODELS));
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> f : expected.entrySet()) {
            Path p = JAVA.resolve(f.getKey());
            if (!Files.exists(p)) {
                stale.add("missing: " + f.getKey());
            } else if (!Files.readString(p).equals(f.getValue())) {
                stale.add("differs: " + f.getKey());
            }
        }
        for (Path p : Generator.generatedFiles(JAVA.resolve(Src.PACKAGE.replace('.', '/')))) {
            if (!expected.containsKey(JAVA.relativize(p).toString())) {
                stale.add("no longer generated: " + JAVA.relativize(p));
            }
        }
        assertEquals(List.of(), stale.subList(0, Math.min(stale.size(), 20)), stale.size() + " stale files: " + REFRESH);
        assertTrue(expected.size() > 1000, "files generated: " + expected.size());
    }

    @Test
    void theModelsAreWhatQemusSourcesSay() throws Exception {
        String sources = System.getProperty("qmp4j.qapi.sources", "");
        if (sources.isBlank() || sources.startsWith("${")) {
            System.out.println("the models' freshness against QEMU's sources is not checked: no QAPI sources given"
                    + " (./run-tests provides them with examples/qapi-codegen/provide-qapi-sources)");
        }
        assumeTrue(!sources.isBlank() && !sources.startsWith("${"), "no QAPI sources given (-Dqmp4j.qapi.sources)");
        List<Model.Schema> models = ModelFiles.readAll(MODELS);
        assertEquals(List.of("7.2", "10.0"), models.stream().map(Model.Schema::qemu).toList());
        for (Model.Schema m : models) {
            Model.Schema read = QapiReader.read(Path.of(sources, m.qemu(), "qapi"), m.qemu(), m.source(), m.upstream());
            List<String> want = ModelFiles.text(read).lines().toList();
            List<String> have = Files.readString(MODELS.resolve("qemu-" + m.qemu() + ".json")).lines().toList();
            int i = 0;
            while (i < Math.min(want.size(), have.size()) && want.get(i).equals(have.get(i))) {
                i++;
            }
            String at = i < want.size() ? want.get(i) : "(end)";
            assertEquals(want.size(), i, "model/qemu-" + m.qemu() + ".json is stale from line " + (i + 1) + ", QEMU's sources say: "
                    + at + "; " + REFRESH);
            assertEquals(want.size(), have.size(), "model/qemu-" + m.qemu() + ".json has lines QEMU's sources do not: " + REFRESH);
        }
    }
}
