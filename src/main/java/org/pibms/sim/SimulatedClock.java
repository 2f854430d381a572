package org.pibms.sim;

import java.math.BigDecimal;
import java.math.MathContext;
import org.pibms.core.Clock;

/**
 * Simulated time that runs {@code timeScale} times faster than a real clock, or, at an infinite
 * scale, jumps straight to every deadline so the daemon runs as fast as the CPU allows. The
 * scale can change while running; simulated time stays continuous across the change.
 *
 * <p>Belongs to the control loop's thread: only that thread reads, sleeps on or rescales it.
 */
public final class SimulatedClock implements Clock {

    private final Clock real;
    private final long startEpoch_ms;

    private double timeScale;
    private long simulatedBase_ns;
    private long realBase_ns;

    public SimulatedClock(Clock real, double timeScale) {
        this.real = real;
        this.startEpoch_ms = real.epochMillis();
        this.realBase_ns = real.nanoTime();
        this.simulatedBase_ns = 0;
        setTimeScale(timeScale);
    }

    /** Simulated seconds per real second; {@link Double#POSITIVE_INFINITY} = free-running. */
    public void setTimeScale(double timeScale) {
        if (!(timeScale > 0)) {
            throw new IllegalArgumentException("time scale must be positive, got " + timeScale);
        }
        long now = nanoTime();
        this.simulatedBase_ns = now;
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
        if (isFreeRunning()) {
            return simulatedBase_ns;
        }
        return simulatedBase_ns + (long) ((real.nanoTime() - realBase_ns) * timeScale);
    }

    /** Simulated wall-clock time: the real time at creation plus the simulated time elapsed since. */
    @Override
    public long epochMillis() {
        return startEpoch_ms + nanoTime() / 1_000_000;
    }

    @Override
    public void sleepUntil(long deadline_ns) throws InterruptedException {
        if (isFreeRunning()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (deadline_ns > simulatedBase_ns) {
                simulatedBase_ns = deadline_ns;
            }
            return;
        }
        long realDeadline_ns = realBase_ns + (long) Math.ceil((deadline_ns - simulatedBase_ns) / timeScale);
        real.sleepUntil(realDeadline_ns);
    }

    private boolean isFreeRunning() {
        return timeScale == Double.POSITIVE_INFINITY;
    }
}
