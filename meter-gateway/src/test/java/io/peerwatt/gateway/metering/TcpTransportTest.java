package io.peerwatt.gateway.metering;

/** {@link MeterTransportSuite} over Modbus TCP sockets. */
class TcpTransportTest extends MeterTransportSuite {
  @Override
  MeterUri startSimulator(MeterSimulator.Model model) {
    newSimulator(model).start(0);
    return MeterUri.parse("tcp://127.0.0.1:" + sim.port());
  }
}
