package io.peerwatt.gateway.metering;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.serial.server.SerialPortServerTransport;
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusRtuServer;
import com.digitalpetri.modbus.server.ModbusServer;
import com.digitalpetri.modbus.server.ModbusServices;
import com.digitalpetri.modbus.server.ModbusTcpServer;
import com.digitalpetri.modbus.tcp.server.NettyTcpServerTransport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Modbus TCP meter simulator (digitalpetri server over {@link SimulatedRegisters}) for tests and
 * the demo: a household grid-connection meter whose PV production and household load follow daily
 * profiles ({@link HouseholdProfile}) in simulated time ({@code speed} simulated seconds per real
 * second), and whose own import/export counters advance with the net power. It serves the Eastron
 * SDM630/SDM120, Carlo Gavazzi EM24 or SunSpec 203/213 register map, and can inject faults
 * (silence, Modbus exceptions, NaN, counters going backwards, a serial change).
 *
 * <pre>{@code
 * MeterSimulator sim = new MeterSimulator(MeterSimulator.Model.SDM630, 1, 42, 60, Clock.systemUTC());
 * sim.start(0);
 * String uri = "tcp://127.0.0.1:" + sim.port();
 * ...
 * sim.stop();
 * }</pre>
 */
public final class MeterSimulator {

  /** The register map the simulator serves. */
  public enum Model {
    SDM630,
    SDM120,
    EM24,
    SUNSPEC_203,
    SUNSPEC_213
  }

  private static final long MS_PER_HOUR = 3_600_000L;

  /** Counters advance in steps of at most one simulated minute so profile shapes are followed. */
  private static final long STEP_MS = 60_000L;

  private final Model model;
  private final int unitId;
  private final long speed;
  private final Clock clock;
  private final long realStartMs;
  private final long simStartMs;
  private final HouseholdProfile profile;
  private final SimulatedRegisters registers;

  private ModbusServer server;

  /**
   * Own threads, so releasing digitalpetri's shared Netty resources elsewhere cannot stall the
   * simulator.
   */
  private EventLoopGroup eventLoop;

  private ExecutorService executor;
  private volatile int port = -1;

  // simulation state, guarded by this
  private long simMs;
  private long importMilliWh;
  private long exportMilliWh;
  private long powerMilliW;
  private String serial;
  private int exceptionCode;
  private boolean silent;
  private boolean invalidEnergy;

  /**
   * @param model which register map to serve
   * @param unitId the Modbus unit id it answers to (others get no answer, like a real meter)
   * @param seed makes load noise and clouds reproducible
   * @param speed simulated seconds per real second (1 = real time)
   * @param clock the real clock (tests pass a controllable one)
   */
  public MeterSimulator(Model model, int unitId, long seed, long speed, Clock clock) {
    this(model, unitId, seed, speed, clock, clock.instant(), 5_000, 12_345_678, 2_345_678);
  }

  /**
   * @param simStart the simulated instant at the real start time
   * @param pvPeakW PV peak power (0 = no PV)
   * @param startImportWh and {@code startExportWh}: the counters at {@code simStart}
   */
  public MeterSimulator(
      Model model,
      int unitId,
      long seed,
      long speed,
      Clock clock,
      Instant simStart,
      long pvPeakW,
      long startImportWh,
      long startExportWh) {
    if (speed < 1) {
      throw new IllegalArgumentException("speed must be at least 1");
    }
    this.model = model;
    this.unitId = unitId;
    this.speed = speed;
    this.clock = clock;
    this.realStartMs = clock.millis();
    this.simStartMs = simStart.toEpochMilli();
    this.profile = new HouseholdProfile(seed, pvPeakW);
    this.simMs = simStartMs;
    this.importMilliWh = Math.multiplyExact(startImportWh, 1000);
    this.exportMilliWh = Math.multiplyExact(startExportWh, 1000);
    this.serial = Long.toString(10_000_000 + Math.floorMod(seed, 89_999_999));
    this.powerMilliW = profile.netPowerMilliW(simStartMs);
    this.registers = new SimulatedRegisters(model);
    refreshImage();
  }

  /**
   * Binds the Modbus TCP server on 127.0.0.1 ({@code port} 0 = any free port, see {@link #port()}).
   */
  public synchronized void start(int requestedPort) {
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator"));
    NettyTcpServerTransport transport =
        NettyTcpServerTransport.create(
            cfg ->
                cfg.setBindAddress("127.0.0.1")
                    .setEventLoopGroup(eventLoop)
                    .setExecutor(executor)
                    .setPort(requestedPort)
                    .setBootstrapCustomizer(
                        bootstrap ->
                            bootstrap.handler(
                                new ChannelInboundHandlerAdapter() {
                                  @Override
                                  public void channelActive(ChannelHandlerContext ctx) {
                                    bound.complete(
                                        ((InetSocketAddress) ctx.channel().localAddress())
                                            .getPort());
                                    ctx.fireChannelActive();
                                  }
                                })));
    ModbusTcpServer tcp = ModbusTcpServer.create(transport, new Services());
    server = tcp;
    try {
      tcp.start();
      port = bound.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("meter simulator could not bind port " + requestedPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
  }

  /**
   * Serves Modbus RTU on a serial device instead (8 data bits, no parity, 1 stop bit), e.g. one end
   * of a {@code socat} pseudo-terminal pair in tests.
   */
  public synchronized void startRtu(String serialDevice, int baud) {
    executor = Executors.newSingleThreadExecutor(daemon("meter-simulator-rtu"));
    SerialPortServerTransport transport =
        SerialPortServerTransport.create(
            cfg -> cfg.setSerialPort(serialDevice).setBaudRate(baud).setExecutor(executor));
    ModbusRtuServer rtu = ModbusRtuServer.create(transport, new Services());
    server = rtu;
    try {
      rtu.start();
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator could not open " + serialDevice, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the meter simulator", e);
    }
  }

  /** The bound TCP port. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("simulator not started");
    }
    return port;
  }

  /** Stops the server and its threads. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      if (server instanceof ModbusTcpServer tcp) {
        tcp.stop();
      } else if (server instanceof ModbusRtuServer rtu) {
        rtu.stop();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("meter simulator did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server = null;
      port = -1;
      if (eventLoop != null) {
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        eventLoop = null;
      }
      if (executor != null) {
        executor.shutdownNow();
        executor = null;
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  public Model model() {
    return model;
  }

  /** Current simulated instant. */
  public synchronized Instant simulatedNow() {
    advance();
    return Instant.ofEpochMilli(simMs);
  }

  /** The counters and power now, as the meter would report them (whole Wh, W). */
  public synchronized MeterSample truth() {
    advance();
    return new MeterSample(
        model.name(),
        serial,
        importMilliWh / 1000,
        exportMilliWh / 1000,
        powerMilliW / 1000,
        profile.voltageMilliV(simMs));
  }

  /** Answer every read with this Modbus exception code (0 = answer normally). */
  public synchronized void failWith(int modbusExceptionCode) {
    this.exceptionCode = modbusExceptionCode;
  }

  /** Stop answering (the client sees timeouts), or answer again. */
  public synchronized void silent(boolean on) {
    this.silent = on;
  }

  /**
   * Serve unusable energy values: NaN for float maps, a negative count for EM24, no TotWh_SF for
   * SunSpec 203.
   */
  public synchronized void invalidEnergy(boolean on) {
    this.invalidEnergy = on;
    refreshImage();
  }

  /** Moves both energy counters by {@code deltaWh} (negative = the counters go backwards). */
  public synchronized void shiftCounters(long deltaWh) {
    advance();
    importMilliWh = Math.max(0, importMilliWh + deltaWh * 1000);
    exportMilliWh = Math.max(0, exportMilliWh + deltaWh * 1000);
    refreshImage();
  }

  /** Replaces the meter's serial number (digits only for Eastron), as a swapped meter would. */
  public synchronized void serial(String newSerial) {
    this.serial = newSerial;
    refreshImage();
  }

  /** Integrates net power from the last update to the simulated now, one minute at a time. */
  private void advance() {
    long target = simStartMs + Math.multiplyExact(clock.millis() - realStartMs, speed);
    while (simMs < target) {
      long step = Math.min(STEP_MS, target - simMs);
      long p = profile.netPowerMilliW(simMs);
      // milliwatt * ms / ms-per-hour = milliwatt-hours
      long deltaMilliWh = Math.multiplyExact(Math.abs(p), step) / MS_PER_HOUR;
      if (p >= 0) {
        importMilliWh += deltaMilliWh;
      } else {
        exportMilliWh += deltaMilliWh;
      }
      simMs += step;
      powerMilliW = p;
    }
  }

  private void refreshImage() {
    registers.show(
        new SimulatedRegisters.Values(
            importMilliWh / 1000,
            exportMilliWh / 1000,
            powerMilliW / 1000,
            profile.voltageMilliV(simMs),
            serial,
            invalidEnergy));
  }

  /**
   * Answers reads from the registers after bringing the counters up to the simulated now; a
   * register the meter does not have is an illegal data address (exception 2), like real meters.
   */
  private final class Services implements ModbusServices {
    @Override
    public ReadInputRegistersResponse readInputRegisters(
        ModbusRequestContext context, int requestedUnit, ReadInputRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      return new ReadInputRegistersResponse(
          answer(requestedUnit, 4, request.address(), request.quantity()));
    }

    @Override
    public ReadHoldingRegistersResponse readHoldingRegisters(
        ModbusRequestContext context, int requestedUnit, ReadHoldingRegistersRequest request)
        throws ModbusResponseException, UnknownUnitIdException {
      return new ReadHoldingRegistersResponse(
          answer(requestedUnit, 3, request.address(), request.quantity()));
    }

    private byte[] answer(int requestedUnit, int functionCode, int address, int quantity)
        throws ModbusResponseException, UnknownUnitIdException {
      before(requestedUnit, functionCode);
      byte[] out = registers.read(functionCode, address, quantity);
      if (out == null) {
        throw new ModbusResponseException(
            functionCode, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
      }
      return out;
    }

    private void before(int requestedUnit, int functionCode)
        throws UnknownUnitIdException, ModbusResponseException {
      synchronized (MeterSimulator.this) {
        if (silent || requestedUnit != unitId) {
          // a real meter on a shared line says nothing to another unit id; digitalpetri then sends
          // nothing
          throw new UnknownUnitIdException(requestedUnit);
        }
        if (exceptionCode != 0) {
          throw new ModbusResponseException(functionCode, exceptionCode);
        }
        advance();
        refreshImage();
      }
    }
  }
}
