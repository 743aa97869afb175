package io.peerwatt.deploy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Prints user errors as one line and logs everything else with its stack trace. */
public final class UserErrors implements CommandLine.IExecutionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(UserErrors.class);

  /**
   * Runs a top-level {@code command} on {@code args} with user errors printed as one line, and
   * returns the exit code. {@code @FILE} arguments are left to the commands, which read them
   * themselves (e.g. {@code peerwatt tx}, {@code wallet fund --tx}).
   */
  public static int execute(Object command, String... args) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(new UserErrors());
    cli.setExpandAtFiles(false);
    return cli.execute(args);
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
    Throwable cause = ex;
    while (cause != null && !(cause instanceof UserError)) {
      cause = cause.getCause();
    }
    if (cause != null) {
      cli.getErr().println("peerwatt: " + cause.getMessage());
      return 2;
    }
    log.error("peerwatt {} failed", cli.getCommandName(), ex);
    cli.getErr().println("peerwatt: internal error: " + ex + " (see the log above)");
    return 1;
  }
}
