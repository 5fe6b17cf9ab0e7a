package dev.cairn.shell.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help every command prints: placeholders resolved to the values they name. */
class CliHelpTest {

  @Test
  void everyCommandsHelpResolvesItsPlaceholders() {
    List<CommandLine> all = new ArrayList<>();
    collect(Cairn.commandLine(), all);
    assertThat(all).extracting(CommandLine::getCommandName).contains("replay", "show", "validate", "testnet");
    for (CommandLine c : all) {
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertThat(help).as(c.getCommandName()).doesNotContain("${").doesNotContain("null");
    }
  }

  @Test
  void showSaysHowManyChangeLinesAStepGets() {
    CommandLine show = Cairn.commandLine().getSubcommands().get("trace").getSubcommands().get("show");
    String help = show.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    assertThat(help).contains("(at most " + TraceShowCommand.MAX_CHANGES + " per step; see --max-changes)")
        .contains("most lines of --changes per step (default " + TraceShowCommand.MAX_CHANGES + ")");
  }

  @Test
  void aMissingCommandIsAUsageError() {
    CliRun.Result bare = CliRun.cairn();
    assertThat(bare.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(bare.err()).startsWith("cairn: a command is needed, one of: init, show-node-id, probe, listen, start,")
        .contains("Usage: cairn");
    assertThat(bare.out()).isEmpty();

    CliRun.Result trace = CliRun.cairn("trace");
    assertThat(trace.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(trace.err()).startsWith("cairn trace: a command is needed, one of: show, replay, diff,")
        .contains("Usage: cairn trace");
  }

  @Test
  void askedForHelpIsNotAnError() {
    assertThat(CliRun.cairn("--help").exit()).isZero();
    assertThat(CliRun.cairn("trace", "--help").exit()).isZero();
    assertThat(CliRun.cairn("help", "trace").exit()).isZero();
  }

  /** Every command's help offers {@code --version}: each prints the same version line. */
  @Test
  void everyCommandPrintsTheVersion() {
    List<CommandLine> all = new ArrayList<>();
    collect(Cairn.commandLine(), all);
    for (CommandLine c : all) {
      if (c.getCommandSpec().mixinStandardHelpOptions()) {
        List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName(" ").split(" ")));
        args.remove(0); // "cairn"
        args.add("--version");
        CliRun.Result r = CliRun.cairn(args.toArray(String[]::new));
        assertThat(r.exit()).as(String.join(" ", args)).isZero();
        assertThat(r.out().strip()).as(String.join(" ", args)).isEqualTo("cairn " + dev.cairn.shell.Version.VERSION);
      }
    }
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().forEach(s -> collect(s, out));
  }
}
