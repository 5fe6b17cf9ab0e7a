package dev.cairn.shell.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code cairn} command line in-process, capturing what it prints. */
public final class CliRun {

  /** The outcome of one invocation: exit status, standard output, standard error. */
  public record Result(int exit, String out, String err) {}

  private CliRun() {}

  public static Result cairn(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cairn.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
