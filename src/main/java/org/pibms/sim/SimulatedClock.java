package org.pibms.sim;

import java.math.BigDecimal;
import java.math.MathContext;
import org.pibms.core.Clock;

/**
 * Simulated time. It moves only when someone sleeps on it: the control loop between ticks, a
 * driver waiting for a conversion. Time the CPU spends computing does not count, so a hiccup of
 * the host (a JIT compilation, a garbage collection, a busy core) never shows up as a delay on
 * the simulated buses, at any speed, and a run is the same every time.
 *
 * <p>At a finite {@code timeScale}, each sleep also waits in real time until the moment the
 * simulated deadline corresponds to, counted from when the scale was set, so simulated time
 * keeps pace with real time × scale without drifting. At an infinite scale it jumps from
 * deadline to deadline as fast as the CPU allows.
 *
 * <p>Belongs to the control loop's thread: only that thread reads, sleeps on or rescales it.
 */
public final class SimulatedClock implements Clock {

    private final Clock real;
    private final long startEpoch_ms;

    private double timeScale;
    private long now_ns;
    private long simulatedBase_ns;
    private long realBase_ns;

    public SimulatedClock(Clock real, double timeScale) {
        this.real = real;
        this.startEpoch_ms = real.epochMillis();
        setTimeScale(timeScale);
    }

    /** Simulated seconds per real second; {@link Double#POSITIVE_INFINITY} = free-running. */
    public void setTimeScale(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("time scale must be positive, got " + timeScale);
        }
        this.simulatedBase_ns = now_ns;
        this.realBase_ns = real.nanoTime();
        this.timeScale = timeScale;
    }

    public double timeScale() {
        return timeScale;
    }

    /** "60x real time", "maximum speed", … */
    public static String describe(double timeScale) {
        if (timeScale == Double.POSITIVE_INFINITY) {
            return "maximum speed";
        }
        return new BigDecimal(timeScale).round(new MathContext(6)).stripTrailingZeros().toPlainString() + "x real time";
    }

    @Override
    public long nanoTime() {
        return now_ns;
    }

    /** Simulated wall-clock time: the real time at creation plus the simulated time elapsed since. */
    @Override
    public long epochMillis() {
        return startEpoch_ms + now_ns / 1_000_000;
    }

    @Override
    public void sleepUntil(long deadline_ns) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (deadline_ns <= now_ns) {
            return;
        }
        if (timeScale != Double.POSITIVE_INFINITY) {
            real.sleepUntil(realDeadline_ns(deadline_ns));
        }
        now_ns = deadline_ns;
    }

    /**
     * Measured against the real moment the deadline stands for, since simulated time does not
     * move while a thread is late. At an infinite scale no real moment belongs to a deadline: 0.
     */
    @Override
    public long lateness_ns(long deadline_ns) {
        if (timeScale == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return real.nanoTime() - realDeadline_ns(deadline_ns);
    }

    /** The real time a simulated deadline corresponds to at the present scale. */
    private long realDeadline_ns(long deadline_ns) {
        return realBase_ns + (long) Math.ceil((deadline_ns - simulatedBase_ns) / timeScale);
    }
}
