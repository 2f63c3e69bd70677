package io.qmp4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/** Writes the bash completion script of every subcommand (run by the build): {@code Completion FILE}. */
final class Completion {

    private Completion() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), AutoComplete.bash("qmp4j", Qmp4jCli.commandLine()));
    }
}
