package dev.cairn.shell.cli;

import dev.cairn.shell.node.FailureReasons;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command line. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = Cairn.Version.class,
    description = "CometBFT's peer-to-peer layer with a model-checked peer manager.",
    subcommands = {
        InitCommand.class,
        ShowNodeIdCommand.class,
        ProbeCommand.class,
        ListenCommand.class,
        StartCommand.class,
        TestnetCommand.class,
        TraceCommand.class,
        CommandLine.HelpCommand.class})
public final class Cairn implements java.util.concurrent.Callable<Integer> {

  /** Software version advertised in NodeInfo and printed by {@code --version}. */
  public static final String VERSION = dev.cairn.shell.Version.VERSION;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Without a command there is nothing to do: a usage error (status 2), as a missing argument is. */
  @Override
  public Integer call() {
    return missingCommand(spec);
  }

  /**
   * Says which commands {@code spec}'s command takes, with its usage, on standard error: status 2
   * (picocli's for a usage error), so a script that forgot the command does not read success.
   */
  static int missingCommand(CommandLine.Model.CommandSpec spec) {
    CommandLine cl = spec.commandLine();
    java.io.PrintWriter err = cl.getErr();
    err.println(spec.qualifiedName() + ": a command is needed, one of: "
        + String.join(", ", cl.getSubcommands().keySet()));
    cl.usage(err);
    return CommandLine.ExitCode.USAGE;
  }

  /**
   * Runs the command line and exits with its status. The JVM running out of heap is said in one
   * line (status 1), as the handler below says an exception.
   */
  public static void main(String[] args) {
    LogLevels.correct(System.getenv()).forEach(System.err::println);
    int status;
    try {
      status = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands only exceptions to the handler: an error would end in a stack trace
      System.err.println("cairn: out of memory: the JVM's heap (at most " + (Runtime.getRuntime().maxMemory() >> 20)
          + " MiB) is too small for this command (CAIRN_JAVA_OPTS=-Xmx… gives it more)");
      status = 1;
    }
    System.exit(status);
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Cairn());
    giveVersion(cl); // every subcommand's --version promises it, not only the top command's
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // One line naming the reason, never a stack trace: operators read this.
          cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + FailureReasons.describe(ex));
          return 1;
        });
    return cl;
  }

  /** Sets the version of {@code cl} on each of its subcommands, at every depth. */
  private static void giveVersion(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(cl.getCommandSpec().versionProvider());
      giveVersion(sub);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + VERSION};
    }
  }
}
