package io.peerwatt.deploy;

import picocli.CommandLine;

/** A command that only groups subcommands: run on its own, it prints its usage. */
public abstract class CommandGroup implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public final void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
