package io.peerwatt.deploy.gateway;

import io.peerwatt.deploy.CommandGroup;
import io.peerwatt.deploy.UserErrors;
import io.peerwatt.deploy.VersionInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of the gateway's own jar ({@code deploy/target/peerwatt-gateway.jar}): the {@code
 * peerwatt} command with only {@code gateway}, so that jar carries the gateway and nothing of the
 * platform. {@code java -jar peerwatt-gateway.jar gateway run ...} is {@code peerwatt gateway run
 * ...}.
 */
@Command(
    name = "peerwatt",
    mixinStandardHelpOptions = true,
    versionProvider = GatewayMain.Version.class,
    description =
        "PeerWatt home gateway: reads meters over Modbus, signs, journals and uploads every reading.",
    subcommands = {GatewayCommand.class, CommandLine.HelpCommand.class})
public final class GatewayMain extends CommandGroup {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int run(String... args) {
    return UserErrors.execute(new GatewayMain(), args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return VersionInfo.lines("peerwatt-gateway");
    }
  }
}
