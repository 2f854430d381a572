package org.pibms.control;

import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.CurrentSensor;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.OcvCurve;
import org.pibms.core.PackState;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationControl;
import org.pibms.core.Switches;
import org.pibms.core.VoltageSensor;
import org.pibms.core.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BMS itself: one {@link #tick} measures the pack, protects it, counts its charge, drives
 * the MOSFETs and publishes what it saw. It owns all mutable BMS state and runs only on the
 * control loop's thread. In steady state a tick allocates nothing.
 */
public final class PackController implements ControlLoop.Task {

    private static final Logger log = LoggerFactory.getLogger(PackController.class);
    private static final long CHARGE_BLOCKING = FaultId.chargeBlockingMask();
    private static final long DISCHARGE_BLOCKING = FaultId.dischargeBlockingMask();

    /** The hardware and, when simulated, the simulator, as the controller sees them. */
    public record Ports(AnalogFrontEnd afe, CurrentSensor currentSensor, VoltageSensor voltageSensor,
            Switches switches, SimulationControl simulation) {
    }

    private final Ports ports;
    private final CommandQueue commands;
    private final SnapshotBuffer snapshots;
    private final Measurement measurement;
    private final Protection protection;
    private final SocEstimator soc;

    private long sequence;
    private PackState state = PackState.STARTING;
    private boolean everMeasured;
    private long faults;
    private boolean chargeMos;
    private boolean dischargeMos;
    private boolean switchesWritten = true;

    public PackController(Settings settings, Ports ports, CommandQueue commands, SnapshotBuffer snapshots) {
        this.ports = ports;
        this.commands = commands;
        this.snapshots = snapshots;
        this.measurement = new Measurement(settings.pack().cellCount(), settings.temperatureSensors().size());
        this.protection = new Protection(settings.protection());
        this.soc = new SocEstimator(OcvCurve.defaultFor(settings.pack().chemistry()), settings.pack().capacity_mAh());
    }

    @Override
    public void tick(long now_ns, long wallClock_ms) {
        executeCommands();
        measure(now_ns);
        faults = protection.evaluate(measurement);
        soc.update(measurement);
        decideSwitches();
        applySwitches();
        publish(wallClock_ms);
    }

    @Override
    public void failSafe(RuntimeException cause) {
        openBoth("a control tick failed");
        applySwitches();
    }

    @Override
    public void stop(long now_ns, long wallClock_ms) {
        commands.close();
        openBoth("the daemon is stopping");
        applySwitches();
        changeState(PackState.STOPPED);
        publish(wallClock_ms);
    }

    private void executeCommands() {
        CommandQueue.Pending pending;
        while ((pending = commands.poll()) != null) {
            CommandResult result;
            try {
                result = execute(pending.command());
            } catch (RuntimeException e) {
                log.error("command {} failed", pending.command(), e);
                result = CommandResult.rejected("internal error: " + e);
            }
            pending.reply().complete(result);
        }
    }

    private CommandResult execute(Command command) {
        if (command instanceof SimulationCommand simulationCommand) {
            if (ports.simulation() == null) {
                return CommandResult.rejected("the daemon is not running a simulated pack");
            }
            CommandResult result = ports.simulation().apply(simulationCommand);
            if (result.accepted()) {
                log.info("simulation: {}", result.message());
            }
            return result;
        }
        return CommandResult.rejected("unknown command " + command);
    }

    private void measure(long now_ns) {
        Measurement m = measurement;
        m.invalidate(now_ns);
        m.setCellVoltagesValid(ports.afe().readCellVoltages(m));
        ports.afe().readTemperatures(m);
        ports.currentSensor().readCurrent(m);
        ports.voltageSensor().readVoltages(m);
        everMeasured |= m.cellVoltagesValid();
    }

    private void decideSwitches() {
        PackState next = faults != 0 ? PackState.FAULT : everMeasured ? PackState.NORMAL : PackState.STARTING;
        changeState(next);
        setChargeMos(everMeasured && (faults & CHARGE_BLOCKING) == 0);
        setDischargeMos(everMeasured && (faults & DISCHARGE_BLOCKING) == 0);
    }

    private void applySwitches() {
        boolean written = ports.switches().apply(chargeMos, dischargeMos);
        if (written != switchesWritten) {
            switchesWritten = written;
            if (written) {
                log.warn("MOS outputs written again");
            } else {
                log.error("MOS outputs could not be written (charge {}, discharge {} wanted)",
                        onOff(chargeMos), onOff(dischargeMos));
            }
        }
    }

    private void publish(long wallClock_ms) {
        snapshots.publish(++sequence, wallClock_ms, state, measurement, soc.soc_pct(), soc.initialised(),
                chargeMos, dischargeMos, 0L, faults);
    }

    private void changeState(PackState next) {
        if (next != state) {
            log.info("state: {} -> {} (faults: {})", state.id(), next.id(), faultNames());
            state = next;
        }
    }

    private void setChargeMos(boolean on) {
        if (on != chargeMos) {
            chargeMos = on;
            log.info("charge MOS {} ({})", onOff(on), on ? "no fault forbids charging" : reason(CHARGE_BLOCKING));
        }
    }

    private void setDischargeMos(boolean on) {
        if (on != dischargeMos) {
            dischargeMos = on;
            log.info("discharge MOS {} ({})", onOff(on), on ? "no fault forbids discharging" : reason(DISCHARGE_BLOCKING));
        }
    }

    private void openBoth(String reason) {
        if (chargeMos || dischargeMos) {
            log.warn("opening both MOS: {}", reason);
        }
        chargeMos = false;
        dischargeMos = false;
    }

    private String reason(long blockingMask) {
        long blocking = faults & blockingMask;
        return blocking != 0 ? FaultId.describe(blocking) : "no valid cell voltages yet";
    }

    private String faultNames() {
        return faults == 0 ? "none" : FaultId.describe(faults);
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
