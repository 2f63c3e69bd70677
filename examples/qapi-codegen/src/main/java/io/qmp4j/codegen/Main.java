package io.qmp4j.codegen;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The generator's command line (see the module's README):
 * <pre>
 * extract QAPI_DIR VERSION SOURCE UPSTREAM_TAG MODEL_FILE   read QEMU's qapi/ sources into a model
 * generate MODEL_DIR JAVA_SOURCE_ROOT          write io.qmp4j.core.qapi from every model in MODEL_DIR
 * </pre>
 */
public final class Main {

    private Main() {
    }

    /**
     * @param args as above
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 6 && args[0].equals("extract")) {
            Model.Schema s = QapiReader.read(Path.of(args[1]), args[2], args[3], args[4]);
            ModelFiles.write(s, Path.of(args[5]));
            System.out.println(args[5] + ": " + s.definitions().size() + " definitions of QEMU " + s.qemu());
        } else if (args.length == 3 && args[0].equals("generate")) {
            int n = Generator.write(ModelFiles.readAll(Path.of(args[1])), Path.of(args[2]));
            System.out.println(n + " files written under " + args[2]);
        } else {
            System.err.println("usage: extract QAPI_DIR VERSION SOURCE UPSTREAM_TAG MODEL_FILE | generate MODEL_DIR JAVA_SOURCE_ROOT");
            System.exit(2);
        }
    }
}
