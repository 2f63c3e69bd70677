package io.qmp4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code qmp4j}: virsh's migration commands, talking QMP directly to QEMU, without libvirt.
 * Exit codes: 0 success, 1 the migration (or command) failed, 2 bad usage or a refused
 * pre-flight check.
 */
@Command(name = "qmp4j", mixinStandardHelpOptions = true, version = "qmp4j 0.1.0-SNAPSHOT",
        description = "Drive QEMU's migration over QMP, without libvirt. Monitors are given as unix:PATH or tcp:HOST:PORT.")
public final class Qmp4jCli {

    /** The subcommands, in the order of the usage message. */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(DirtyRateCommand.class, MigrateCommand.class,
            EvacuateCommand.class, ParameterCommands.SetMaxDowntime.class, ParameterCommands.SetSpeed.class,
            ParameterCommands.GetSpeed.class, ParameterCommands.GetMaxDowntime.class, ParameterCommands.CompCache.class,
            ParameterCommands.SetParameters.class, ParameterCommands.QueryParameters.class, ParameterCommands.Cancel.class,
            JobCommands.Info.class, JobCommands.Abort.class, JobCommands.Finish.class, PostcopyCommand.class,
            DomBlkListCommand.class, RawCommands.Qmp.class, RawCommands.Events.class, ShellCommand.class,
            CommandLine.HelpCommand.class);

    /** Bad usage or a refused pre-flight check. */
    public static final int EXIT_USAGE = 2;
    /** The migration or command failed. */
    public static final int EXIT_FAILED = 1;

    /**
     * @return the command line, configured: usage errors exit 2, other errors print one line
     */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * @param args the arguments of a run
     * @return the command line with only the subcommand the run names, when it names one (picocli
     *         builds each subcommand's model by reflection: most of a short run's start-up), else all
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Class<?> c : SUBCOMMANDS) {
                Command a = c.getAnnotation(Command.class);
                if (a != null && a.name().equals(args[0]) && c != CommandLine.HelpCommand.class && c != ShellCommand.class) {
                    return commandLine(java.util.List.of(c));
                }
            }
        }
        return commandLine(SUBCOMMANDS);
    }

    private static CommandLine commandLine(java.util.List<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(new Qmp4jCli());
        subcommands.forEach(cl::addSubcommand);
        cl.setExpandAtFiles(false); // @FILE is qmp's command file, not picocli's argument file
        // --help and --version on every subcommand (picocli: a required option would make
        // 'migrate --help' a usage error otherwise).
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            boolean verbose = false;
            for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
                verbose |= r.hasMatchedOption("--verbose"); // the option belongs to the subcommand
            }
            Throwable t = Common.unwrap(ex);
            cmd.getErr().println("qmp4j " + cmd.getCommandName() + ": " + Common.describe(t));
            if (verbose) {
                t.printStackTrace(cmd.getErr());
            }
            return t instanceof IllegalArgumentException || t instanceof CommandLine.ParameterException
                    || t instanceof io.qmp4j.core.QmpUnsupportedException ? EXIT_USAGE : EXIT_FAILED;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }
}
