package org.pibms.control;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.pibms.core.AnalogFrontEnd;
import org.pibms.core.Balancing;
import org.pibms.core.Command;
import org.pibms.core.CommandResult;
import org.pibms.core.ControlCommand;
import org.pibms.core.CurrentSensor;
import org.pibms.core.Event;
import org.pibms.core.EventSink;
import org.pibms.core.FaultId;
import org.pibms.core.Measurement;
import org.pibms.core.MeasurementRecorder;
import org.pibms.core.Origin;
import org.pibms.core.PackInputs;
import org.pibms.core.PackState;
import org.pibms.core.Quantity;
import org.pibms.core.Recovery;
import org.pibms.core.SavedState;
import org.pibms.core.Severity;
import org.pibms.core.SocCalibration;
import org.pibms.core.SocState;
import org.pibms.core.SimulationCommand;
import org.pibms.core.SimulationControl;
import org.pibms.core.Switches;
import org.pibms.core.Unit;
import org.pibms.core.VoltageSensor;
import org.pibms.core.settings.LowPowerSettings;
import org.pibms.core.settings.OutputSettings;
import org.pibms.core.settings.ProtectionRules;
import org.pibms.core.settings.ProtectionSettings;
import org.pibms.core.settings.SensorLocation;
import org.pibms.core.settings.SwitchingSettings;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.TemperatureSensorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BMS itself: one {@link #tick} measures the pack, evaluates the protection table, counts
 * its charge, switches the MOSFETs and outputs and publishes what it saw. It owns all mutable
 * BMS state and runs only on the control loop's thread. In steady state a tick allocates nothing.
 */
public final class PackController implements ControlLoop.Task {

    private static final Logger log = LoggerFactory.getLogger(PackController.class);
    private static final long CHARGE_BLOCKING = FaultId.chargeBlockingMask();
    private static final long DISCHARGE_BLOCKING = FaultId.dischargeBlockingMask();
    private static final long PROTECTING = FaultId.severityMask(Severity.PROTECTION);
    private static final long BALANCING_BLOCKING = FaultId.balancingBlockingMask();
    private static final long ALARMING = FaultId.severityMask(Severity.ALARM) | PROTECTING;
    private static final long BUZZER_HALF_PERIOD_ns = 500_000_000L;

    /** The hardware and, when simulated, the simulator, as the controller sees them. */
    public record Ports(AnalogFrontEnd afe, CurrentSensor currentSensor, VoltageSensor voltageSensor,
            Switches switches, PackInputs inputs, SimulationControl simulation) {
    }

    /**
     * What outlives the daemon. The controller never writes a file itself: it publishes what
     * must be saved in its snapshots, and appends events to a sink that never blocks.
     *
     * @param saved    what the state file held at start: the estimator's state, the charge each
     *                 cell has bled, the latched faults and the counters (with this start counted)
     * @param recorder where every tick's measurements go
     * @param events   the event log
     */
    public record Persistence(SavedState saved, MeasurementRecorder recorder, EventSink events) {

        /** Nothing saved, nothing recorded, no event log: a first start. */
        public static Persistence none() {
            return new Persistence(SavedState.NONE, MeasurementRecorder.NONE, EventSink.NONE);
        }
    }

    private final Settings settings;
    private final Ports ports;
    private final CommandQueue commands;
    private final SnapshotBuffer snapshots;
    private final MeasurementRecorder recorder;
    private final EventSink events;
    private final long starts;
    private final Measurement measurement;
    private final Protection protection;
    private final SocEstimator soc;
    private final SwitchStateMachine switching;
    private final Balancer balancer;
    private final OpenWireSchedule openWire;
    private final ChargeLimits chargeLimits;
    private final ChargeLimits.Inputs limitInputs = new ChargeLimits.Inputs();
    private final OutputSettings.Function[] outputFunction;

    private SocState restoredSoc;
    private boolean started;
    private long origin_ns;
    private long originWall_ms;
    private long lastCalibrationAt_ms;
    private long sequence;
    private PackState state = PackState.STARTING;
    private boolean everMeasured;
    private long faults;
    private long eventTime_ms;
    private boolean chargeMos;
    private boolean dischargeMos;
    private boolean precharge;
    private int outputMask;
    private boolean switchesWritten = true;
    private boolean manualChargeOff;
    private boolean manualDischargeOff;
    private boolean lowPower;
    private long idleSince_ns = Long.MIN_VALUE;
    private boolean commandThisTick;

    // commands that can only be answered once this tick has switched
    private CommandQueue.Pending mosPending;
    private CommandQueue.Pending resetPending;
    private CommandQueue.Pending balancePending;

    public PackController(Settings settings, Ports ports, CommandQueue commands, SnapshotBuffer snapshots,
            Persistence persistence) {
        this.settings = settings;
        this.ports = ports;
        this.commands = commands;
        this.snapshots = snapshots;
        this.recorder = persistence.recorder();
        this.events = persistence.events();
        SavedState saved = persistence.saved();
        this.starts = saved.counters().starts();
        this.restoredSoc = saved.soc().orElse(null);
        this.measurement = new Measurement(settings.pack().cellCount(), settings.temperatureSensors().size());
        this.protection = Protection.forSettings(settings);
        this.soc = new SocEstimator(settings.soc(), settings.pack().capacity_mAh(), cellSensors(settings));
        this.balancer = new Balancer(settings.balancing(), settings.pack().cellCount(),
                settings.hardware().ltc6813().balanceResistor_Ohm(), sensorsAt(settings, SensorLocation.BALANCE));
        restoreBalanced(saved.balancedArray_mAh());
        this.openWire = new OpenWireSchedule(settings.openWire(), settings.pack().cellCount());
        this.chargeLimits = new ChargeLimits(settings.pack().cellCount(), settings.chargeLimits());
        this.switching = new SwitchStateMachine(settings.hasPrecharge(), settings.switching().prechargeTimeout_ms(),
                settings.switching().prechargeMargin_mV());
        this.outputFunction = settings.outputs().stream().map(OutputSettings::function)
                .toArray(OutputSettings.Function[]::new);
        long latched = 0;
        for (FaultId id : saved.latched()) {
            latched |= id.bit();
        }
        protection.restoreLatched(latched);
        protection.restoreTrips(saved.counters());
        protection.setEvents(events);
        this.faults = protection.active();
    }

    private void restoreBalanced(double[] balanced_mAh) {
        if (balanced_mAh.length > 0 && !balancer.restoreBalanced(balanced_mAh)) {
            log.warn("the saved balancing record has {} cells, the pack {}: it starts again from 0",
                    balanced_mAh.length, settings.pack().cellCount());
        }
    }

    @Override
    public void tick(long now_ns, long wallClock_ms) {
        eventTime_ms = wallClock_ms;
        protection.setEventTime(wallClock_ms);
        executeCommands();
        startClock(now_ns, wallClock_ms);
        long time_ms = originWall_ms + (now_ns - origin_ns) / 1_000_000;
        measure(now_ns, time_ms);
        long before = faults;
        faults = protection.evaluate(measurement);
        if (resetPending != null) {
            String answer = protection.reset(now_ns);
            faults = protection.active();
            answer(resetPending, answer.isEmpty() ? CommandResult.accepted("no fault waits for a reset")
                    : protection.resetLeftFaults() ? CommandResult.rejected(answer) : CommandResult.accepted(answer));
            resetPending = null;
        }
        updateSoc(time_ms, wallClock_ms);
        updateLowPower(now_ns, faults != before);
        decideSwitches(now_ns);
        applySwitches();
        balance(time_ms);
        updateChargeLimits(time_ms);
        answerMosCommand();
        answerBalanceCommand();
        publish(wallClock_ms);
    }

    /** The low-power mode ticks more slowly. */
    @Override
    public long period_ns(long normal_ns) {
        return lowPower ? settings.lowPower().period_ms() * 1_000_000L : normal_ns;
    }

    @Override
    public void failSafe(RuntimeException cause) {
        openAll("a control tick failed");
        applySwitches();
        ports.afe().setBalancing(0);
    }

    /** Sets the MOSFETs as {@code switching.on_stop_*} says (both open by default), every output off. */
    @Override
    public void stop(long now_ns, long wallClock_ms) {
        eventTime_ms = wallClock_ms;
        commands.close();
        SwitchingSettings onStop = settings.switching();
        open("the daemon is stopping", onStop.onStopCharge() == SwitchingSettings.OnStop.OFF,
                onStop.onStopDischarge() == SwitchingSettings.OnStop.OFF);
        applySwitches();
        ports.afe().setBalancing(0);
        changeState(PackState.STOPPED);
        log.info("outputs on stop: charge MOS {}, discharge MOS {}, pre-charge off, outputs off, balancing off",
                onOff(chargeMos), onOff(dischargeMos));
        publish(wallClock_ms);
    }

    // ---- commands ----

    private void executeCommands() {
        commandThisTick = false;
        CommandQueue.Pending pending;
        while ((pending = commands.poll()) != null) {
            commandThisTick = true;
            try {
                CommandResult result = execute(pending);
                if (result != null) {
                    answer(pending, result);
                }
            } catch (RuntimeException e) {
                log.error("command {} failed", pending.command(), e);
                answer(pending, CommandResult.rejected("internal error: " + e));
            }
        }
    }

    /** Answers a command and records it, its sender and the answer in the event log. */
    private void answer(CommandQueue.Pending pending, CommandResult result) {
        pending.reply().complete(result);
        Origin origin = pending.origin();
        String command = describe(pending.command());
        events.append(Event.of(eventTime_ms, Event.Kind.COMMAND, command + " from " + origin + ": "
                + (result.accepted() ? "" : "refused: ") + result.message(),
                "command", command, "channel", origin.channel(), "sender", origin.sender(),
                "accepted", result.accepted(), "answer", result.message()));
    }

    private static String describe(Command command) {
        return command instanceof ControlCommand control ? control.describe() : "sim " + command;
    }

    /** @return the answer, or null when it is given later in this tick */
    private CommandResult execute(CommandQueue.Pending pending) {
        Command command = pending.command();
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
        if (command instanceof ControlCommand.SetMos setMos) {
            if (mosPending != null) {
                answer(mosPending, CommandResult.rejected("superseded by a later mos command in the same tick"));
            }
            boolean charge = setMos.path() == ControlCommand.Path.CHARGE;
            if (charge) {
                manualChargeOff = !setMos.on();
            } else {
                manualDischargeOff = !setMos.on();
            }
            log.warn("command: mos {} {} from {}", setMos.path().id(), setMos.on() ? "on" : "off", pending.origin());
            mosPending = pending;
            return null;
        }
        if (command instanceof ControlCommand.ResetFaults) {
            if (resetPending != null) {
                answer(resetPending, CommandResult.rejected("superseded by a later reset in the same tick"));
            }
            log.warn("command: fault reset from {}", pending.origin());
            if ((faults & FaultId.OPEN_WIRE.bit()) != 0) {
                openWire.request(OpenWireSchedule.Reason.RESET);
            }
            resetPending = pending;
            return null;
        }
        if (command instanceof ControlCommand.SetProtection set) {
            return setProtection(List.of(set), pending.origin());
        }
        if (command instanceof ControlCommand.ChangeProtection change) {
            return setProtection(change.changes(), pending.origin());
        }
        if (command instanceof ControlCommand.SetBalancing set) {
            return setBalancing(set, pending);
        }
        return CommandResult.rejected("unknown command " + command);
    }

    /** All the changes or none: each key's form is checked, then the table they make, as at start. */
    private CommandResult setProtection(List<ControlCommand.SetProtection> changes, Origin origin) {
        ProtectionSettings current = protection.settings();
        ProtectionSettings next = current;
        for (ControlCommand.SetProtection change : changes) {
            try {
                next = ProtectionRules.apply(next, change.key(), change.value());
            } catch (IllegalArgumentException e) {
                return CommandResult.rejected("protection." + change.key() + ": " + e.getMessage());
            }
        }
        List<ProtectionRules.Problem> problems = ProtectionRules.check(next, settings.protectedPack());
        if (!problems.isEmpty()) {
            StringBuilder why = new StringBuilder("refused, the limits are unchanged:");
            for (ProtectionRules.Problem problem : problems) {
                why.append("\n  ").append(problem);
            }
            return CommandResult.rejected(why.toString());
        }
        protection.setSettings(next);
        StringBuilder answer = new StringBuilder();
        for (ControlCommand.SetProtection change : changes) {
            String key = change.key();
            Object before = ProtectionRules.value(current, key);
            Object after = ProtectionRules.value(next, key);
            log.warn("command: protection.{} {} -> {} (until the daemon restarts) from {}", key, before, after, origin);
            events.append(Event.of(eventTime_ms, Event.Kind.CONFIG, "protection." + key + " " + before + " -> "
                    + after + " until the daemon restarts, set by " + origin, "key", "protection." + key,
                    "from", String.valueOf(before), "to", String.valueOf(after), "channel", origin.channel(),
                    "sender", origin.sender()));
            answer.append(answer.length() == 0 ? "" : ", ").append("protection.").append(key).append(" = ")
                    .append(after).append(" (was ").append(before).append(")");
        }
        return CommandResult.accepted(answer + "; this lasts until the daemon restarts: put it in the config file to"
                + " keep it");
    }

    /** On is refused while a fault stops balancing; the answer comes once this tick has chosen the cells. */
    private CommandResult setBalancing(ControlCommand.SetBalancing set, CommandQueue.Pending pending) {
        Balancing.Command wanted = set.command();
        if (wanted == Balancing.Command.ON && (faults & BALANCING_BLOCKING) != 0) {
            return CommandResult.rejected("balancing stays " + balancer.command().id() + ": "
                    + why(BALANCING_BLOCKING, false));
        }
        if (balancePending != null) {
            answer(balancePending, CommandResult.rejected("superseded by a later balance command in the same tick"));
        }
        log.warn("command: balance {} (was {}) from {}", wanted.id(), balancer.command().id(), pending.origin());
        balancer.setCommand(wanted);
        balancePending = pending;
        return null;
    }

    private void answerBalanceCommand() {
        if (balancePending == null) {
            return;
        }
        StringBuilder text = new StringBuilder("balancing ").append(balancer.command().id()).append(": ");
        if (balancer.activity() == Balancing.Activity.BALANCING) {
            text.append("bleeding cell");
            String separator = " ";
            for (int i = 0; i < settings.pack().cellCount(); i++) {
                if (balancer.current_mA(i) > 0) {
                    text.append(separator).append(i + 1).append(" (").append(balancer.current_mA(i)).append(" mA)");
                    separator = ", ";
                }
            }
        } else {
            text.append("nothing bleeds: ").append(balancer.activity().description());
        }
        if (balancer.command() != Balancing.Command.AUTO) {
            text.append("; until `pibms balance auto` or a restart");
        }
        answer(balancePending, CommandResult.accepted(text.toString()));
        balancePending = null;
    }

    // ---- measuring ----

    private void measure(long now_ns, long time_ms) {
        Measurement m = measurement;
        m.invalidate(now_ns);
        checkOpenWires(time_ms);
        m.setCellVoltagesValid(ports.afe().readCellVoltages(m));
        openWire.observe(time_ms, m);
        protection.setTemperaturesRead(ports.afe().readTemperatures(m));
        protection.setPecErrors(ports.afe().pecErrors());
        ports.currentSensor().readCurrent(m);
        ports.voltageSensor().readVoltages(m);
        ports.inputs().read(m);
        everMeasured |= m.cellVoltagesValid();
    }

    /**
     * A due open-wire test first opens every balance switch and runs once the chip has had them
     * open for a whole tick, so no sense wire carries a bleed current while it is tested.
     */
    private void checkOpenWires(long time_ms) {
        OpenWireSchedule.Reason due = openWire.due();
        if (due == null) {
            return;
        }
        balancer.holdOff(true);
        if (!balancer.switchesOpen()) {
            return;
        }
        if (due == OpenWireSchedule.Reason.JUMP) {
            log.warn("open-wire check: cell {} moved {} mV against the others within one tick", openWire.jumpCell() + 1,
                    openWire.jump_mV());
        }
        long open = ports.afe().findOpenWires();
        if (open >= 0) {
            openWire.done(time_ms);
            protection.setOpenWires(open);
            balancer.holdOff(false);
        }
    }

    // ---- balancing ----

    private void balance(long time_ms) {
        long mask = balancer.step(time_ms, measurement, (faults & BALANCING_BLOCKING) != 0);
        ports.afe().setBalancing(mask);
    }

    // ---- state of charge ----

    /**
     * The estimator counts in whole milliseconds of the monotonic clock, stated from the wall
     * clock at the first tick; the recorder writes the same milliseconds, so a replay of the
     * recording computes exactly what happened here.
     */
    private void startClock(long now_ns, long wallClock_ms) {
        if (!started) {
            started = true;
            origin_ns = now_ns;
            originWall_ms = wallClock_ms;
        }
    }

    private void updateSoc(long time_ms, long wallClock_ms) {
        if (restoredSoc != null) {
            soc.restore(restoredSoc, wallClock_ms - restoredSoc.savedAt_ms());
            lastCalibrationAt_ms = restoredSoc.lastCalibrationAt_ms();
            restoredSoc = null;
        }
        // the pre-charge path conducts too; the recording counts it with the discharge side
        boolean dischargePath = dischargeMos || precharge;
        recorder.record(time_ms, measurement, chargeMos, dischargePath);
        soc.update(measurement, time_ms, !chargeMos && !dischargePath);
        if (soc.event() != null) {
            if (soc.event() != SocCalibration.START_OCV) {
                lastCalibrationAt_ms = wallClock_ms;
            }
            events.append(Event.of(wallClock_ms, Event.Kind.CALIBRATION, String.format(Locale.ROOT,
                    "%s: SOC %.1f %%, capacity %.2f Ah (%d learnings)", soc.event().id(), soc.soc_pct(),
                    soc.capacity_mAh() / 1000, soc.capacityLearnings()), "calibration", soc.event().id(),
                    "soc_pct", soc.soc_pct(), "capacity_Ah", soc.capacity_mAh() / 1000,
                    "learnings", soc.capacityLearnings()));
        }
        protection.setSoc((int) Math.round(soc.soc_pct() * 10), soc.initialised());
    }

    /** The indexes of the temperature sensors on the cells. */
    static int[] cellSensors(Settings settings) {
        return sensorsAt(settings, SensorLocation.CELL);
    }

    private static int[] sensorsAt(Settings settings, SensorLocation location) {
        List<TemperatureSensorSettings> sensors = settings.temperatureSensors();
        return IntStream.range(0, sensors.size())
                .filter(i -> sensors.get(i).location() == location)
                .toArray();
    }

    // ---- low power ----

    private void updateLowPower(long now_ns, boolean faultsChanged) {
        LowPowerSettings lp = settings.lowPower();
        if (!lp.enabled()) {
            return;
        }
        Measurement m = measurement;
        String wake = null;
        if (!m.currentValid()) {
            wake = "no valid current reading";
        } else if (Math.abs(m.current_mA()) >= lp.idleCurrent_mA()) {
            wake = "current";
        } else if (m.accValid() && m.acc()) {
            wake = "ACC";
        } else if (faultsChanged) {
            wake = "a fault changed";
        } else if (commandThisTick) {
            wake = "a command";
        }
        if (wake != null || idleSince_ns == Long.MIN_VALUE) {
            idleSince_ns = now_ns;
            if (lowPower) {
                lowPower = false;
                log.info("low power: on -> off (woken by {})", wake);
            }
            return;
        }
        if (!lowPower && now_ns - idleSince_ns >= lp.idle_ms() * 1_000_000L) {
            lowPower = true;
            log.info("low power: off -> on (idle for {} s; tick every {} ms; MOS {})", lp.idle_ms() / 1000,
                    lp.period_ms(), lp.mos() == LowPowerSettings.MosPolicy.OFF ? "off" : "as they were");
        }
    }

    // ---- switching ----

    private void decideSwitches(long now_ns) {
        Measurement m = measurement;
        changeState((faults & PROTECTING) != 0 ? PackState.FAULT : everMeasured ? PackState.NORMAL : PackState.STARTING);
        boolean asleepOff = lowPower && settings.lowPower().mos() == LowPowerSettings.MosPolicy.OFF;
        boolean chargeAllowed = everMeasured && (faults & CHARGE_BLOCKING) == 0 && !manualChargeOff && !asleepOff;
        boolean dischargeAllowed = everMeasured && (faults & DISCHARGE_BLOCKING) == 0 && !manualDischargeOff
                && !asleepOff;
        int pack_mV = m.packVoltageValid() ? m.packVoltage_mV() : -1;
        int load_mV = m.loadVoltageValid() ? m.loadVoltage_mV() : -1;
        switching.step(now_ns, chargeAllowed, dischargeAllowed, pack_mV, load_mV);
        protection.setPrechargeTimedOut(switching.prechargeTimedOut());
        if (switching.prechargeTimedOut()) {
            log.error("pre-charge: gave up after {} ms (load {} mV, pack {} mV, margin {} mV)",
                    settings.switching().prechargeTimeout_ms(), load_mV, pack_mV, settings.switching().prechargeMargin_mV());
        }
        if (switching.precharge() != precharge) {
            setPrecharge(switching.precharge(), switching.precharge() ? "closing the discharge path" : "done");
        }
        if (switching.chargeMos() != chargeMos) {
            setChargeMos(switching.chargeMos(), switching.chargeMos() ? "charging allowed"
                    : why(CHARGE_BLOCKING, manualChargeOff));
        }
        if (switching.dischargeMos() != dischargeMos) {
            setDischargeMos(switching.dischargeMos(), switching.dischargeMos() ? "discharging allowed"
                    : why(DISCHARGE_BLOCKING, manualDischargeOff));
        }
        outputMask = outputs(now_ns);
    }

    private void setChargeMos(boolean on, String cause) {
        chargeMos = on;
        log.warn("charge MOS: {} -> {} ({})", onOff(!on), onOff(on), cause);
        mosEvent("charge MOS", "charge", on, cause);
    }

    private void setDischargeMos(boolean on, String cause) {
        dischargeMos = on;
        log.warn("discharge MOS: {} -> {} ({})", onOff(!on), onOff(on), cause);
        mosEvent("discharge MOS", "discharge", on, cause);
    }

    private void setPrecharge(boolean on, String cause) {
        precharge = on;
        log.info("pre-charge: {} -> {} ({})", onOff(!on), onOff(on), cause);
        mosEvent("pre-charge", "precharge", on, cause);
    }

    private void mosEvent(String name, String id, boolean on, String cause) {
        events.append(Event.of(eventTime_ms, Event.Kind.MOS, name + " " + onOff(!on) + " -> " + onOff(on) + " ("
                + cause + ")", "switch", id, "on", on, "cause", cause));
    }

    private int outputs(long now_ns) {
        int mask = 0;
        boolean alarm = (faults & ALARMING) != 0;
        for (int i = 0; i < outputFunction.length; i++) {
            boolean on = switch (outputFunction[i]) {
                case ALARM -> alarm;
                case CHARGE_ENABLE -> chargeMos;
                case DISCHARGE_ENABLE -> dischargeMos;
                case PRECHARGE -> precharge;
                case BUZZER -> alarm && (now_ns / BUZZER_HALF_PERIOD_ns) % 2 == 0;
                case HEATER -> (faults & FaultId.CHARGE_UNDERTEMPERATURE.bit()) != 0;
            };
            if (on) {
                mask |= 1 << i;
            }
        }
        return mask;
    }

    private void applySwitches() {
        boolean written = ports.switches().apply(chargeMos, dischargeMos, outputMask);
        if (written != switchesWritten) {
            switchesWritten = written;
            if (written) {
                log.warn("MOS and outputs written again");
            } else {
                log.error("MOS and outputs could not be written (charge {}, discharge {} wanted)",
                        onOff(chargeMos), onOff(dischargeMos));
            }
        }
    }

    private void answerMosCommand() {
        if (mosPending == null) {
            return;
        }
        ControlCommand.SetMos command = (ControlCommand.SetMos) mosPending.command();
        boolean charge = command.path() == ControlCommand.Path.CHARGE;
        String name = command.path().id() + " MOS";
        boolean on = charge ? chargeMos : dischargeMos;
        CommandResult result;
        if (!command.on()) {
            result = CommandResult.accepted(name + " off; held off until `pibms mos " + command.path().id() + " on`");
        } else if (on) {
            result = CommandResult.accepted(name + " on");
        } else if (!charge && precharge) {
            result = CommandResult.accepted(name + ": pre-charging the load first (at most "
                    + settings.switching().prechargeTimeout_ms() + " ms), then on");
        } else {
            result = CommandResult.rejected(name + " stays off: " + why(charge ? CHARGE_BLOCKING : DISCHARGE_BLOCKING,
                    false) + "; it closes by itself once that clears");
        }
        answer(mosPending, result);
        mosPending = null;
    }

    /** Why a path is open: the faults that block it, with where and how much, or the other reasons. */
    private String why(long blockingMask, boolean manualOff) {
        long blocking = faults & blockingMask;
        if (blocking != 0) {
            StringBuilder text = new StringBuilder();
            for (FaultId id : FaultId.fromMask(blocking)) {
                text.append(text.length() == 0 ? "" : "; ").append(id.id());
                String source = protection.sourceName(id, protection.tripSource(id));
                if (!source.isEmpty()) {
                    text.append(", ").append(source);
                }
                if (id.quantity().unit() != Unit.FLAG) {
                    text.append(", ").append(ProtectionSettings.format(id, protection.tripValue(id))).append(", trip ")
                            .append(ProtectionSettings.format(id, protection.threshold(id)));
                }
                if ((protection.lockedOut() & id.bit()) != 0) {
                    text.append(", locked out");
                }
            }
            return text.toString();
        }
        if (manualOff) {
            return "held off by a mos command";
        }
        if (lowPower && settings.lowPower().mos() == LowPowerSettings.MosPolicy.OFF) {
            return "low power";
        }
        if (!everMeasured) {
            return "no valid cell voltages yet";
        }
        return "stopping";
    }

    private void openAll(String reason) {
        open(reason, true, true);
    }

    /** Opens the pre-charge, every output and the MOSFETs named; the switch state machine starts over. */
    private void open(String reason, boolean charge, boolean discharge) {
        if (precharge) {
            setPrecharge(false, reason);
        }
        if (charge && chargeMos) {
            setChargeMos(false, reason);
        }
        if (discharge && dischargeMos) {
            setDischargeMos(false, reason);
        }
        switching.openAll();
        outputMask = 0;
    }

    /** After switching: a limit follows the MOSFET state this tick leaves. */
    private void updateChargeLimits(long time_ms) {
        ChargeLimits.Inputs in = limitInputs;
        in.cellsKnown = protection.known(Quantity.HIGHEST_CELL_VOLTAGE);
        in.highestCell_mV = protection.value(Quantity.HIGHEST_CELL_VOLTAGE);
        in.lowestCell_mV = protection.value(Quantity.LOWEST_CELL_VOLTAGE);
        in.packKnown = protection.known(Quantity.PACK_VOLTAGE);
        in.pack_mV = protection.value(Quantity.PACK_VOLTAGE);
        in.cellTemperaturesKnown = protection.known(Quantity.HIGHEST_CELL_TEMPERATURE);
        in.highestCellTemperature_dC = protection.value(Quantity.HIGHEST_CELL_TEMPERATURE);
        in.lowestCellTemperature_dC = protection.value(Quantity.LOWEST_CELL_TEMPERATURE);
        in.mosTemperatureKnown = protection.known(Quantity.MOS_TEMPERATURE);
        in.mosTemperature_dC = protection.value(Quantity.MOS_TEMPERATURE);
        in.socKnown = soc.initialised();
        in.soc_permille = (int) Math.round(soc.soc_pct() * 10);
        in.chargeMos = chargeMos;
        in.dischargeMos = dischargeMos;
        in.faults = faults;
        chargeLimits.update(time_ms, in, protection.settings());
    }

    private void publish(long wallClock_ms) {
        snapshots.publish(++sequence, wallClock_ms, state, measurement, soc, lastCalibrationAt_ms, chargeMos,
                dischargeMos, precharge, outputMask, manualChargeOff, manualDischargeOff, lowPower, balancer,
                protection, chargeLimits, starts);
    }

    private void changeState(PackState next) {
        if (next != state) {
            log.info("state: {} -> {} ({})", state.id(), next.id(),
                    faults == 0 ? "no faults" : FaultId.describe(faults));
            state = next;
        }
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
