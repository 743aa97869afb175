package io.peerwatt.deploy;

import io.peerwatt.protocol.keys.Secp256k1Ecdsa;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peerwatt} command: the one entry point of the runnable jar. */
@Command(
    name = "peerwatt",
    mixinStandardHelpOptions = true,
    versionProvider = PeerwattCommand.Version.class,
    description =
        "PeerWatt: peer-to-peer energy trading with BSV settlement and on-chain meter proofs.",
    subcommands = {
      PlatformCommand.class,
      io.peerwatt.deploy.demo.DemoCommand.class,
      AdminCommand.class,
      io.peerwatt.deploy.gateway.GatewayCommand.class,
      TxCommand.class,
      ChainCommand.class,
      VerifyCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PeerwattCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new PeerwattCommand());
    cli.setExecutionExceptionHandler(new UserErrors());
    cli.setExpandAtFiles(
        false); // @FILE arguments are read by the commands themselves (peerwatt tx)
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The version Maven wrote into the jar, and the secp256k1 implementation this JVM signs and
   * verifies with.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "peerwatt " + VersionInfo.version(), "secp256k1: " + Secp256k1Ecdsa.inUse().description()
      };
    }
  }
}
