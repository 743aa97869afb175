package io.peerwatt.deploy;

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
public final class PeerwattCommand extends CommandGroup {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return UserErrors.execute(new PeerwattCommand(), args);
  }

  /**
   * The version Maven wrote into the jar, and the secp256k1 implementation this JVM signs and
   * verifies with.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return VersionInfo.lines("peerwatt");
    }
  }
}
