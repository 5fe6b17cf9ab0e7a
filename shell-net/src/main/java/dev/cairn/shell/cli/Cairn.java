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
public final class Cairn implements Runnable {

  /** Software version advertised in NodeInfo and printed by {@code --version}. */
  public static final String VERSION = dev.cairn.shell.Version.VERSION;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Cairn());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // One line naming the reason, never a stack trace: operators read this.
          cmd.getErr().println("cairn: " + FailureReasons.describe(ex));
          return 1;
        });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + VERSION};
    }
  }
}
